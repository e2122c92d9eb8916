"""The class board (playground/board) on real databases: a SQLite file in tmp_path, and a
real Postgres server when PLAYGROUND_TEST_PG_URL names one (`.ci/postgres.sh start`
starts a throwaway cluster and prints its URL). Every submission trains for real (tiny
epochs); the scores are checked against an independent run of the same settings."""

from __future__ import annotations

import inspect
import os
import sqlite3
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect as sa_inspect

from playground import ExperimentConfig, run_experiment
from playground.board import (
    ALPHABET,
    CODE_LENGTH,
    MAX_NAME,
    BadBoard,
    BadName,
    BoardClosed,
    BoardUnavailable,
    UnknownBoard,
    WrongToken,
    clean_name,
    default_url,
    link_config,
    new_code,
    normalize_code,
    open_board,
    settings_text,
)
from playground.board.codes import new_token
from playground.board.names import DROPPED
from playground.i18n import t
from playground.workshop.challenges import held_out_metric
from test_config import valid_configs

TINY = {"epochs": "2", "hidden_size": "3"}  # a real training of a few milliseconds
TINY_CFG = {"epochs": 2, "hidden_size": 3}  # the same, as config fields
PG_URL = os.environ.get("PLAYGROUND_TEST_PG_URL", "")


def cached_runner():
    """`run_experiment` through a dict, as the page's cache: each run trains once."""
    done, lock = {}, threading.Lock()

    def run(cfg):
        with lock:
            if cfg not in done:
                done[cfg] = run_experiment(cfg)
            return done[cfg]

    return run


SHARED_RUNS = cached_runner()


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path) -> str:
    """The URL of a real database: a fresh SQLite file, or the Postgres server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'board.db'}"
    if not PG_URL:
        pytest.skip("PLAYGROUND_TEST_PG_URL is not set (bash .ci/postgres.sh start prints one)")
    return PG_URL


@pytest.fixture
def board(url):
    """A board on `url` scoring through one cache of real runs for this module (as the
    page scores through its cache): a setting trains once, however many submit it."""
    store = open_board(url, run=SHARED_RUNS)
    yield store
    store.dispose()


def tiny(**settings) -> dict[str, str]:
    return TINY | {k: str(v) for k, v in settings.items()}


def test_a_board_ranks_runs_by_the_held_out_error_computed_on_the_server(board):
    made = board.create("Sine, small", lang="en")
    code, token = made  # a pair too
    assert (code, token) == (made.code, made.token)
    lstm = board.submit(code, "Ana", tiny(model="lstm"))
    gru = board.submit(code, "Bo", "?" + "&".join(f"{k}={v}" for k, v in tiny(model="gru").items()))
    for entry, model in ((lstm, "lstm"), (gru, "gru")):
        expected = run_experiment(ExperimentConfig(**{**TINY_CFG, "model": model}))
        assert entry.score == held_out_metric(expected, "rmse")  # same bits: deterministic
    table = board.standings(code)
    assert list(table.columns[:8]) == [
        "rank", "name", "model", "score", "passed", "settings", "link", "submitted_at",
    ]  # fmt: skip
    assert list(table.name) == sorted(
        ["Ana", "Bo"], key=lambda n: {"Ana": lstm, "Bo": gru}[n].score
    )
    assert list(table["rank"]) == [1, 2]
    assert table.score.is_monotonic_increasing
    assert set(table.link) == {"?" + lstm.settings, "?" + gru.settings}
    assert set(table.hidden_size) == {3} and set(table.epochs) == {2}
    assert table.passed.isna().all()  # no challenge on this board


def test_a_score_cannot_be_forged(board):
    assert "score" not in inspect.signature(board.submit).parameters
    code = board.create("No forging").code
    with pytest.raises(TypeError):
        board.submit(code, "Eve", tiny(), score=0.0)  # type: ignore[call-arg]
    forged = board.submit(code, "Eve", tiny() | {"score": "0", "rmse": "0", "mse": "0"})
    honest = held_out_metric(run_experiment(ExperimentConfig(**TINY_CFG)), "rmse")
    assert forged.score == honest > 0
    assert forged.settings == settings_text(ExperimentConfig(**TINY_CFG))  # no extras kept
    assert board.standings(code).score.tolist() == [honest]


def test_one_entry_per_name_and_settings_resubmitting_updates_its_time(board):
    code = board.create("Once each").code
    first = board.submit(code, "Ana", tiny(model="gru"))
    time.sleep(0.01)
    again = board.submit(code, "Ana", {"model": "gru", **TINY})  # other order, same run
    assert again.settings == first.settings and again.submitted_at > first.submitted_at
    table = board.standings(code)
    assert len(table) == 1 and table.submitted_at[0] == again.submitted_at
    board.submit(code, "Ana", tiny(model="lstm"))  # another run of hers: a second entry
    board.submit(code, "ana", tiny(model="gru"))  # another name
    assert len(board.standings(code)) == 3


def test_instructor_actions_refuse_a_wrong_token_and_change_nothing(board):
    code, token = board.create("Locked")
    other = board.create("Another board")
    board.submit(code, "Ana", tiny())
    before = board.standings(code)
    for wrong in ("", "x", new_token(), other.token, token + "x", None, 12):
        for act in (board.close, board.reopen, board.clear):
            with pytest.raises(WrongToken):
                act(code, wrong)
        with pytest.raises(WrongToken):
            board.remove(code, wrong, "Ana")
    assert board.info(code).is_open
    assert board.standings(code).equals(before)
    assert board.check_token(code, token) and not board.check_token(code, other.token)

    board.close(code, token)
    assert not board.info(code).is_open
    with pytest.raises(BoardClosed):
        board.submit(code, "Bo", tiny())
    assert board.standings(code).equals(before)  # a closed board still shows its ranking
    board.reopen(code, token)
    board.submit(code, "Bo", tiny(model="lstm"))
    board.submit(code, "Bo", tiny(model="gru"))
    assert board.remove(code, token, "Bo", settings=settings_text(link_config(tiny(model="gru"))))
    assert sorted(board.standings(code).model) == ["lstm", "rnn"]
    assert board.remove(code, token, "  Bo ") == 1  # the name as typed, cleaned
    assert board.clear(code, token) == 1
    assert board.standings(code).empty


def test_unknown_or_malformed_codes_say_so(board):
    code = board.create("Real").code
    for missing in ("", "ABC", "000000", "' OR 1=1 --", new_code(), None):
        if missing == code:
            continue
        with pytest.raises(UnknownBoard):
            board.submit(missing, "Ana", tiny())
        with pytest.raises(UnknownBoard):
            board.standings(missing)
    assert board.info(code.lower()).code == code  # a typed code is read forgivingly


def test_a_board_asked_for_with_unknown_choices_is_refused(board):
    for kwargs in ({"challenge": "nope"}, {"preset": "nope"}, {"lang": "fr"}, {"metric": "r2"}):
        with pytest.raises(BadBoard):
            board.create("Bad", **kwargs)
    with pytest.raises(BadName):
        board.create(" \n\t\u200b ")


HOSTILE = [
    "<script>alert('x')</script>",
    "Robert'); DROP TABLE board_entries;--",
    "' OR '1'='1",
    "**bold** [link](javascript:alert(1))",
    "\u202eevil\u202c",
    "Ana\x00\x1b[31m\r\nred",
    "名字" * 30,
    "   spaced    out   ",
    "😀" * 50,
]


def test_hostile_names_are_stored_as_cleaned_text_and_break_nothing(board):
    code = board.create("Hostile").code
    for name in HOSTILE:
        board.submit(code, name, tiny())
    stored = set(board.standings(code).name)
    assert stored == {clean_name(n) for n in HOSTILE}
    assert "<script>alert('x')</script>" in stored  # kept as text: the page shows text
    assert all(len(n) <= MAX_NAME for n in stored)
    assert "Robert'); DROP TABLE board_entries;--" in stored
    with pytest.raises(BadName):
        board.submit(code, "\u200b\n\t", tiny())
    tables = set(sa_inspect(board.engine).get_table_names())
    assert {"boards", "board_entries"} <= tables


def test_sixty_concurrent_submissions_from_threads_are_all_kept(url):
    board = open_board(url, run=cached_runner())  # a fresh cache: 2 trainings at once
    code = board.create("Rush").code
    names = [f"student {i:02d}" for i in range(60)]
    start = threading.Barrier(12)

    def submit(i: int):
        if i < 12:
            start.wait()  # the first twelve arrive at the same moment
        return board.submit(code, names[i], tiny(model=("rnn", "gru")[i % 2]))

    with ThreadPoolExecutor(max_workers=12) as pool:
        made = list(pool.map(submit, range(60)))
    table = board.standings(code)
    assert len(table) == 60 and sorted(table.name) == names
    assert table.score.notna().all()
    for model in ("rnn", "gru"):
        assert table[table.model == model].score.nunique() == 1  # one run's score each
    assert {e.name for e in made} == set(names)
    board.dispose()


def test_everything_submitted_survives_a_restart(url):
    first = open_board(url)
    code, token = first.create("Persistent", challenge="small_model", lang="zh")
    first.submit(code, "Ana", tiny(model="lstm", noise=0.2))
    first.submit(code, "Bo", tiny())
    before = first.standings(code)
    first.dispose()
    again = open_board(url)  # a new process would do exactly this
    assert again.standings(code).equals(before)
    info = again.info(code)
    assert (info.title, info.challenge, info.lang, info.is_open) == (
        "Persistent", "small_model", "zh", True,
    )  # fmt: skip
    assert again.check_token(code, token)
    again.dispose()


def test_a_challenge_board_records_whether_each_run_meets_the_goal(board):
    code = board.create("Small model", challenge="small_model", metric="rmse").code
    big = board.submit(code, "Big", tiny(hidden_size=32))
    assert big.passed is False  # too many hidden units, whatever the error
    table = board.standings(code)
    assert table.passed.tolist() == [False]


def test_a_database_that_is_down_says_so():
    down = open_board("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with pytest.raises(BoardUnavailable):
        down.create("Nowhere")
    with pytest.raises(BoardUnavailable):
        down.standings("ACDEFG")


def test_a_sqlite_file_that_cannot_be_opened_says_so(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(BoardUnavailable):
        open_board(f"sqlite:///{tmp_path / 'file' / 'x' / 'board.db'}").create("Nowhere")


def test_a_board_locked_by_another_writer_waits_then_says_so(tmp_path, monkeypatch):
    import playground.board.engine as engine

    path = tmp_path / "board.db"
    board = open_board(f"sqlite:///{path}")
    code = board.create("Locked").code
    monkeypatch.setattr(engine, "SQLITE_BUSY_S", 0.2)
    impatient = open_board(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        with pytest.raises(BoardUnavailable):
            impatient.submit(code, "Ana", tiny())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert impatient.submit(code, "Ana", tiny()).score > 0  # free again: it goes through


def test_sqlite_runs_in_wal_mode_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("PLAYGROUND_BOARD_URL", raising=False)
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'board.db'}"
    board = open_board()
    board.create("Here")
    assert (tmp_path / "data" / "board.db").exists()
    with board.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    board.dispose()
    monkeypatch.setenv("PLAYGROUND_BOARD_URL", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"


# ---- pure parts: names, codes, links ---------------------------------------------------
@given(st.text(max_size=200))
def test_a_cleaned_name_is_short_printable_trimmed_text(text):
    try:
        name = clean_name(text)
    except BadName:
        assert not "".join(
            c for c in text if not c.isspace() and unicodedata.category(c) not in DROPPED
        )
        return
    assert 0 < len(name) <= MAX_NAME
    assert name == name.strip() and "  " not in name
    assert all(unicodedata.category(c) not in DROPPED for c in name)
    assert all(c == " " or not c.isspace() for c in name)
    assert clean_name(name) == name  # cleaning a clean name changes nothing


@given(st.from_regex(r"[A-Za-z0-9]{1,10}( [A-Za-z0-9]{1,10}){0,2}", fullmatch=True))
def test_a_plain_name_is_kept_as_typed(name):
    assert clean_name(f"  {name}\n") == name


LOOK_ALIKES = "0O1IL2Z5S8BUV"


@given(st.integers(0, 10))
def test_codes_are_six_characters_without_look_alikes(_):
    code = new_code()
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert not set(code) & set(LOOK_ALIKES)
    assert normalize_code(code) == code
    assert normalize_code(f" {code[:3].lower()}-{code[3:]} ") == code


@given(st.text(max_size=12))
def test_a_typed_code_is_a_code_or_none(text):
    code = normalize_code(text)
    assert code is None or (len(code) == CODE_LENGTH and set(code) <= set(ALPHABET))


def test_look_alike_characters_make_no_code():
    assert not set(ALPHABET) & set(LOOK_ALIKES)
    for c in LOOK_ALIKES:
        assert normalize_code(c * CODE_LENGTH) is None


@given(valid_configs())
def test_an_entrys_settings_open_the_same_run(cfg):
    text = settings_text(cfg)
    assert link_config(text) == cfg
    assert link_config("?" + text) == cfg


def test_a_preset_link_is_read_as_the_page_reads_it():
    from playground.workshop.presets import PRESETS

    preset = next(iter(PRESETS.values()))
    assert link_config({"preset": preset.key}) == preset.config
    assert link_config(f"preset={preset.key}&epochs=3").epochs == 3
    assert settings_text(ExperimentConfig()) == ""


# ---- the board's chart ------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_board_chart_is_valid_vega_lite_against_any_setting(tmp_path, lang):
    from playground.charts.board import board_chart
    from playground.config import PARAMS

    store = open_board(f"sqlite:///{tmp_path / 'board.db'}")
    code = store.create("Chart").code
    store.submit(code, "Ana", tiny(model="lstm", learning_rate="0.003"))
    store.submit(code, "Bo", tiny(model="gru", signal="square"))
    table = store.standings(code)
    kinds = ("hidden_size", "learning_rate", "model", "signal")  # number, log, choices
    for p in PARAMS:
        spec = board_chart(table, p.name, "rmse", lang).to_dict(validate=p.name in kinds)
        assert spec["encoding"]["x"]["field"] == p.name
        metric = t(lang, "chart.metric.rmse")
        assert spec["encoding"]["y"]["title"] == t(lang, "board.chart.error", metric=metric)
    store.dispose()


def test_the_version_changes_whenever_the_standings_do(board):
    code, token = board.create("Versions")
    seen = [board.version(code)]
    assert board.version(code) == seen[-1]  # nothing happened
    for act in (
        lambda: board.submit(code, "Ana", tiny()),
        lambda: board.submit(code, "Bo", tiny()),
        lambda: board.submit(code, "Ana", tiny()),  # resubmitted: a new time
        lambda: board.remove(code, token, "Bo"),
    ):
        time.sleep(0.002)
        act()
        assert board.version(code) not in seen
        seen.append(board.version(code))
    board.clear(code, token)
    assert board.version(code) == seen[0]  # empty again: the same (empty) standings


def test_an_entry_without_a_finite_score_ranks_last():
    from datetime import datetime, timezone

    from playground.board.records import standings_frame

    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows = [
        {"name": n, "model": "rnn", "score": s, "passed": None, "settings": "", "submitted_at": at}
        for n, s in (("diverged", None), ("b", 0.2), ("a", 0.1), ("tie", 0.2))
    ]
    table = standings_frame(rows)
    assert table.name.tolist() == ["a", "b", "tie", "diverged"]
    assert table["rank"].tolist()[:3] == [1, 2, 2] and table["rank"].isna().tolist()[3]


def test_two_servers_opening_a_new_database_at_once_both_work(tmp_path):
    """Two processes' stores (each its own engine) make the tables at the same moment."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    stores = [open_board(url, run=SHARED_RUNS) for _ in range(4)]
    start = threading.Barrier(len(stores))

    def make(store):
        start.wait()
        return store.create("Race").code

    with ThreadPoolExecutor(max_workers=len(stores)) as pool:
        codes = list(pool.map(make, stores))
    assert len(set(codes)) == len(stores)
    assert all(stores[0].info(code).title == "Race" for code in codes)
    for store in stores:
        store.dispose()


def test_the_csv_keeps_every_entry_and_opens_names_as_text(board):
    import io

    import pandas as pd

    from playground.board.records import standings_csv

    code = board.create("CSV").code
    for name in ("Ana", '=HYPERLINK("http://x","y")', "+1", "@cmd", "-2", 'Bo, "quoted"'):
        board.submit(code, name, tiny())
    table = board.standings(code)
    read = pd.read_csv(io.StringIO(standings_csv(table)))
    assert len(read) == len(table) and list(read.columns) == list(table.columns)
    assert not any(str(n).startswith(("=", "+", "-", "@")) for n in read.name)
    assert sorted(n.lstrip("'") for n in read.name) == sorted(table.name)
    assert read.score.tolist() == table.score.tolist()


def test_closing_while_the_room_submits_keeps_exactly_the_accepted_entries(board):
    """Submissions racing a close (and instructors toggling at once): each is kept or
    refused with BoardClosed, never lost, never a database error."""
    code, token = board.create("Race to close")
    board.submit(code, "warm", tiny())  # the run is cached: the race is the database's

    def submit(i: int):
        try:
            return board.submit(code, f"student {i:02d}", tiny())
        except BoardClosed:
            return None

    def toggle(i: int):
        (board.close if i % 2 else board.reopen)(code, token)

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(submit, i) for i in range(30)]
        jobs[10:10] = [pool.submit(toggle, i) for i in range(6)]  # toggles return None
        results = [j.result() for j in jobs]
    accepted = {e.name for e in results if e is not None}
    assert set(board.standings(code).name) == accepted | {"warm"}
