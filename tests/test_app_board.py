"""The class board on the page (AppTest, real training at tiny epochs, a real SQLite file
in tmp_path through `PLAYGROUND_BOARD_URL`): submitting from a board link, the board
view, the instructor's link, making a board on the page, and a database that is down."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pagekit import APP, TIMEOUT, run_app
from playground import ExperimentConfig, run_experiment
from playground.board import open_board
from playground.i18n import t
from playground.workshop.challenges import held_out_metric

EPOCHS = "3"


@pytest.fixture
def board(tmp_path, monkeypatch):
    """A board store on a fresh SQLite file, which the page uses too."""
    url = f"sqlite:///{tmp_path / 'board.db'}"
    monkeypatch.setenv("PLAYGROUND_BOARD_URL", url)
    store = open_board(url)
    yield store
    store.dispose()


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def submit_as(at: AppTest, name: str) -> AppTest:
    """Type `name` and click "Submit this run": one rerun, as the form sends both."""
    at.text_input(key="board_name").set_value(name)
    at.button(key="board_submit").click()
    return rerun(at)


def open_board_tab(at: AppTest, lang: str = "en") -> AppTest:
    at.session_state["view"] = t(lang, "view.board.title")
    return rerun(at)


def test_submit_this_run_puts_the_run_on_the_board_with_the_servers_score(board):
    code = board.create("Workshop").code
    at = run_app(board=code, epochs=EPOCHS, model="gru")
    submit_as(at, "  Ana  ")
    expected = held_out_metric(run_experiment(ExperimentConfig(epochs=3, model="gru")), "rmse")
    assert [s.value for s in at.success] == [
        t("en", "board.submit.done", name="Ana", metric="RMSE", score=expected)
    ]
    table = board.standings(code)
    assert table[["name", "model", "settings"]].values.tolist() == [
        ["Ana", "gru", "epochs=3&model=gru"]
    ]
    assert table.score[0] == expected
    # At once again: the session's rate limit says wait, and nothing is added. How long
    # is left depends on how long the reruns took (the wall clock): 1 to 5 s.
    at.button(key="board_submit").click()
    rerun(at)
    waits = {t("en", "board.submit.too_fast", seconds=s) for s in range(1, 6)}
    assert [w.value for w in at.warning if w.value in waits] == [w.value for w in at.warning]
    assert len(at.warning) == 1
    assert len(board.standings(code)) == 1


def test_a_name_over_40_characters_is_cut_on_the_board_and_said(board):
    code = board.create("Long").code
    at = run_app(board=code, epochs=EPOCHS)
    pasted = "Maria Fernanda dos Santos Oliveira Ribeiro da Costa"  # 51 characters
    submit_as(at, pasted)
    kept = pasted[:40].strip()
    assert board.standings(code).name.tolist() == [kept]
    assert [i.value for i in at.info if i.value.startswith("Names on")] == [
        t("en", "board.submit.name_cut", limit=40, name=kept)
    ]


def test_a_click_without_a_name_says_why_and_sends_nothing(board):
    code = board.create("Nameless").code
    at = run_app(board=code, epochs=EPOCHS)
    submit_as(at, "  ")
    assert [e.value for e in at.error] == [t("en", "board.error.bad_name")]
    assert board.standings(code).empty
    submit_as(at, "Ana")  # the refused click did not start the rate limit
    assert board.standings(code).name.tolist() == ["Ana"]


def test_without_a_board_link_there_is_nothing_to_submit(board):
    at = run_app(epochs=EPOCHS)
    assert not [b for b in at.button if b.key == "board_submit"]


def test_the_board_view_ranks_the_room_and_shows_names_as_text(board):
    code = board.create("Ranking", challenge="small_model").code
    hostile = "**Eve** <b>x</b> [a](javascript:1)"
    board.submit(code, "Bo", {"epochs": EPOCHS, "hidden_size": "4", "model": "lstm"})
    board.submit(code, hostile, {"epochs": EPOCHS})
    at = run_app(view="board", board=code, epochs=EPOCHS)
    assert not at.error
    assert at.header[0].value == "Ranking"
    shown = at.dataframe[0].value
    expected = board.standings(code)
    assert shown["name"].tolist() == expected.name.tolist()  # best first, as typed
    assert hostile in shown["name"].tolist()
    assert shown["score"].tolist() == expected.score.tolist()
    assert shown["passed"].tolist() == [False, False]  # the challenge's verdict
    assert all(link.startswith(("http", "?")) for link in shown["link"])
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    assert [b.label for b in at.get("download_button")] == [t("en", "board.csv")]
    # A new submission shows on the next refresh of the board.
    board.submit(code, "Cy", {"epochs": EPOCHS, "model": "gru"})
    rerun(at)
    assert "Cy" in at.dataframe[0].value["name"].tolist()
    # The chart follows the setting picked.
    at.selectbox(key="board_chart_by").select("model")
    rerun(at)
    assert len(at.get("vega_lite_chart")) == 1


def test_the_board_view_speaks_chinese(board):
    code = board.create("班级", lang="zh").code
    at = run_app(view="board", board=code, lang="zh", epochs=EPOCHS)
    assert at.info[-1].value == t("zh", "board.empty")
    assert [(m.label, m.value) for m in at.metric] == [(t("zh", "board.code_label"), code)]


def test_an_unknown_board_code_says_so_and_the_page_goes_on(board):
    at = run_app(view="board", board="ACDEFG", epochs=EPOCHS)
    assert [e.value for e in at.error] == [t("en", "board.error.unknown", code="ACDEFG")]
    at = run_app(board="ACDEFG", epochs=EPOCHS)  # the Train tab: submitting says it
    assert at.get("vega_lite_chart")
    submit_as(at, "Ana")
    assert [e.value for e in at.error] == [t("en", "board.error.unknown", code="ACDEFG")]


def test_the_instructor_link_closes_the_board_and_a_wrong_one_changes_nothing(board):
    code, token = board.create("Teach")
    wrong = run_app(view="board", board=code, token="not-the-token", epochs=EPOCHS)
    assert [e.value for e in wrong.error] == [t("en", "board.error.wrong_token", code=code)]
    assert not [b for b in wrong.button if b.label == t("en", "board.instructor.close")]
    at = run_app(view="board", board=code, token=token, epochs=EPOCHS)
    assert "token" not in at.query_params  # off the address bar of a projected page
    assert at.subheader[-1].value == t("en", "board.instructor.title")
    next(b for b in at.button if b.label == t("en", "board.instructor.close")).click()
    rerun(at)
    assert not board.info(code).is_open
    assert any(c.value.startswith(t("en", "board.status.closed")) for c in at.caption)
    assert board.info(code).title == "Teach"
    student = run_app(board=code, epochs=EPOCHS)
    submit_as(student, "Late")
    assert [e.value for e in student.error] == [t("en", "board.error.closed", code=code)]
    assert board.standings(code).empty


def test_an_instructor_makes_a_board_on_the_page(board):
    at = run_app(view="board", epochs=EPOCHS)
    title = next(ti for ti in at.text_input if ti.label == t("en", "board.create.name"))
    title.set_value("Made here")
    next(b for b in at.button if b.label == t("en", "board.create.button")).click()
    rerun(at)
    code = at.query_params["board"]
    assert board.info(code).title == "Made here"
    assert at.session_state["board_code"] == code
    token = at.session_state["board_token"]
    assert board.check_token(code, token)
    assert at.subheader[-1].value == t("en", "board.instructor.title")
    assert [s.value for s in at.success] == [t("en", "board.create.done", code=code)]
    # The private link is in the reveal only (a popover), never on the projected page.
    assert shown_with(at, token) == [("popover", "code")]
    rerun(at)  # the next run: "is open" said once; the link still behind its reveal
    assert not at.success
    assert shown_with(at, token) == [("popover", "code")]


def shown_with(at: AppTest, text: str) -> list[tuple[str, str]]:
    """Each element of the page whose value holds `text`, as (the innermost popover,
    expander or dialog it sits in, else "page"; its type)."""
    found = []

    def walk(node, within: str) -> None:
        children = getattr(node, "children", None)
        if children is None:
            if text in str(getattr(node, "value", "")):
                found.append((within, node.type))
            return
        inner = node.type if node.type in ("popover", "expander", "dialog") else within
        for child in children.values():
            walk(child, inner)

    walk(at.main, "page")
    walk(at.sidebar, "page")
    return found


def test_a_database_that_is_down_breaks_only_the_board(monkeypatch):
    monkeypatch.setenv(
        "PLAYGROUND_BOARD_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    )
    at = run_app(board="ACDEFG", epochs=EPOCHS)
    assert at.get("vega_lite_chart")  # the run and its charts
    submit_as(at, "Ana")
    assert [e.value for e in at.error] == [t("en", "board.error.unavailable")]
    open_board_tab(at)
    assert [e.value for e in at.error] == [t("en", "board.error.unavailable")]


def test_the_board_database_comes_from_the_secrets_connection(tmp_path, monkeypatch):
    """`[connections.board]` in secrets.toml, Streamlit's convention (no env var set)."""
    monkeypatch.delenv("PLAYGROUND_BOARD_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'secret.db'}"
    store = open_board(url)
    code = store.create("From secrets").code
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["connections"] = {"board": {"url": url}}
    for key, value in {"view": "board", "board": code, "epochs": EPOCHS}.items():
        at.query_params[key] = value
    rerun(at)
    assert at.header[0].value == "From secrets"
    store.dispose()


@pytest.mark.parametrize(
    "url, address",
    [
        (None, ""),
        ("http://127.0.0.1:8501", "http://127.0.0.1:8501/"),  # the root: a "/" before "?"
        ("http://127.0.0.1:8501/?view=board&token=x", "http://127.0.0.1:8501/"),
        ("https://host.example/app#top", "https://host.example/app"),
    ],
)
def test_links_are_made_on_the_pages_address_with_a_path(url, address):
    from app.board import page_address

    assert page_address(url) == address


@given(st.text(max_size=60))
def test_names_are_escaped_for_markdown_and_read_back_exactly(text):
    from app.board import MARKDOWN_SPECIAL, as_text

    shown = as_text(text)
    assert re.sub(r"\\(.)", r"\1", shown, flags=re.S) == text  # nothing lost or added
    unescaped = re.sub(r"\\.", "", shown, flags=re.S)
    assert not MARKDOWN_SPECIAL.search(unescaped)  # no formatting character left bare


def test_a_garbled_board_code_in_the_link_is_shown_as_text(board):
    at = run_app(view="board", board="**x**<b>", epochs=EPOCHS)
    assert [e.value for e in at.error] == [t("en", "board.error.unknown", code=r"\*\*x\*\*\<b\>")]
