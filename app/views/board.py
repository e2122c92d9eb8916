"""?view=board: the class board. A room joins with `?board=CODE`; each learner submits
the run on their page ("Submit this run", beside the run's errors on the Train tab, and
here) under a name; the board ranks the room's runs by the held-out error, which the
server computes from the settings (the cached run), never from anything the browser
sends. The ranking, a chart of the errors against a setting and the CSV refresh every
REFRESH_S seconds in a fragment of their own. The instructor's link
(`?view=board&board=CODE&token=...`) adds a panel to close, reopen and clear the board
and remove an entry, with the link itself behind a reveal (never printed on the projected
page); a board is made from this tab too.

The database: `st.connection("board", type="sql")` on the URL in `PLAYGROUND_BOARD_URL`
if set; else `[connections.board]` in `.streamlit/secrets.toml` (a `url`, or Streamlit's
dialect/host/... keys); else a SQLite file in `PLAYGROUND_DATA_DIR` (default `data/`).
The board itself is `playground.board` (plain SQLAlchemy), built once per process on the
connection's engine. A database that is down or locked shows a message here and never
stops the rest of the page."""

from __future__ import annotations

import math
import time

import pyarrow as pa
import streamlit as st

from app.context import PageContext
from playground.board import (
    MAX_NAME,
    BoardInfo,
)
from playground.board.names import clean_text
from playground.board.records import standings_csv
from playground.charts.board import board_chart
from playground.charts.labels import CHART_MODELS, labels
from playground.workshop.challenges import CHALLENGES
from app.board import (
    store,
    joined,
    base_url,
    class_link,
    as_text,
    failed,
    DB_ERRORS,
)
from app.board_forms import join_form, create_form, instructor_panel

REFRESH_S = 3  # the ranking, chart and CSV refresh this often (their fragment alone)
MIN_SUBMIT_GAP_S = 5.0  # one submission per session per this many seconds
KEY_SETTINGS = ("hidden_size", "seq_length", "num_layers", "epochs", "learning_rate", "noise")
# px of each key setting's column in the standings
SETTING_WIDTH = {"hidden_size": 70, "seq_length": 70, "num_layers": 60, "epochs": 70,
                 "learning_rate": 100, "noise": 70}  # fmt: skip
CHART_SETTINGS = ("hidden_size", "seq_length", "epochs", "learning_rate", "noise", "num_layers",
                  "n_points", "model", "signal", "seed", "clip_grad", "init_scale",
                  "keep_gate_bias", "train_fraction")  # fmt: skip


# ---- Submitting a run ---------------------------------------------------------------------
def submit_box(ctx: PageContext) -> None:
    """On a board link: a name field and "Submit this run" (the page's run: the server
    scores it from its settings). Nothing without a board.

    The two are one form: a text input outside a form commits only on Enter or blur,
    so a button that waited for the name swallowed the click that blurred it. In the
    form the click sends the name with it; a missing name is said on the click."""
    code, _token = joined()
    if code is None:
        return
    state = st.session_state
    if "board_name" not in state:
        state.board_name = state.get("board_name_kept", "")
    with st.container(border=True, key="board_submit_box"):
        st.markdown(ctx.t("board.submit.title", code=as_text(code)))
        if ctx.data.series is not None:
            st.caption(ctx.t("board.submit.upload"))
            return
        with st.form("board_submit_form", border=False):
            # No max_chars: the browser drops a paste longer than it, without a word.
            # The name is cut to MAX_NAME on the server, and the page says so.
            name = st.text_input(ctx.t("board.submit.name"), key="board_name")
            clicked = st.form_submit_button(
                ctx.t("board.submit.button"), key="board_submit", icon=":material/leaderboard:"
            )
        if clicked:
            state.board_name_kept = name
            submit(ctx, code, name)
        st.caption(ctx.t("board.submit.help"))


def submit(ctx: PageContext, code: str, name: str) -> None:
    """Submit this page's run under `name` (at most one submission per MIN_SUBMIT_GAP_S
    per session) and say how it went: a name with nothing printable is refused before
    anything is sent, and a name cut to MAX_NAME characters is said."""
    state = st.session_state
    whole = clean_text(name, len(name))
    if not whole:
        st.error(ctx.t("board.error.bad_name"), icon=":material/badge:")
        return
    wait = MIN_SUBMIT_GAP_S - (time.monotonic() - state.get("board_last_submit", -1e9))
    if wait > 0:
        st.warning(ctx.t("board.submit.too_fast", seconds=math.ceil(wait)))
        return
    state.board_last_submit = time.monotonic()
    try:
        entry = store().submit(code, name, ctx.cfg.to_query_params(), run=ctx.run)
        metric = store().info(code).metric
    except DB_ERRORS as err:
        failed(ctx, err)
        return
    if entry.score is None:
        st.warning(ctx.t("board.submit.done_no_score", name=as_text(entry.name)))
    else:
        shown = ctx.t(f"chart.metric.{metric}")
        st.success(
            ctx.t("board.submit.done", name=as_text(entry.name), metric=shown, score=entry.score),
            icon=":material/check_circle:",
        )
    if len(whole) > MAX_NAME:
        st.info(
            ctx.t("board.submit.name_cut", limit=MAX_NAME, name=as_text(entry.name)),
            icon=":material/content_cut:",
        )


# ---- The tab --------------------------------------------------------------------------------
def render(ctx: PageContext) -> None:
    ctx.explain("board")
    code, token = joined()
    if code is None:
        join_form(ctx)
        create_form(ctx, expanded=True)
        return
    try:
        info = store().info(code)
        is_instructor = bool(token) and store().check_token(code, token)
    except DB_ERRORS as err:
        failed(ctx, err)
        join_form(ctx)
        return
    heading(ctx, info)
    submit_box(ctx)
    live(ctx, info)
    if is_instructor:
        instructor_panel(ctx, info, token)
    elif token:
        st.error(ctx.t("board.error.wrong_token", code=code), icon=":material/lock:")
    create_form(ctx, expanded=False)


def heading(ctx: PageContext, info: BoardInfo) -> None:
    """The board's title, code (large, to read aloud), state and goal."""
    st.header(as_text(info.title), anchor=False)
    st.metric(ctx.t("board.code_label"), info.code)  # large: read aloud, seen from the back
    st.caption(ctx.t("board.class_link") + " " + class_link(info))
    challenge = CHALLENGES.get(info.challenge or "")
    if challenge is not None:
        st.info(
            f"**{ctx.t(challenge.title_key)}** — {ctx.t(challenge.goal_key, **challenge.goal)}",
            icon=":material/flag:",
        )


@st.fragment(run_every=REFRESH_S)
def live(ctx: PageContext, info: BoardInfo) -> None:
    """The ranking, the chart and the CSV: this fragment alone reruns every REFRESH_S."""
    try:
        version = store().version(info.code)
    except DB_ERRORS as err:
        failed(ctx, err)
        return
    is_open = version[1]
    state = "board.status.open" if is_open else "board.status.closed"
    metric = ctx.t(f"chart.metric.{info.metric}")
    st.caption(ctx.t(state) + " · " + ctx.t("board.ranked_by", metric=metric))
    # Built once per version of the board (and language), shared by every session
    # watching it: a room refreshing every REFRESH_S costs a count query each.
    of = ("board", version, base_url())
    try:
        table = ctx.shared(of, "standings", lambda: store().standings(info.code))
    except DB_ERRORS as err:
        failed(ctx, err)
        return
    if table.empty:
        st.info(ctx.t("board.empty"), icon=":material/hourglass_empty:")
        return
    latest = table.loc[table.submitted_at.idxmax()]
    st.caption(
        ctx.t("board.latest", n=len(table), name=as_text(latest["name"]),
              time=f"{latest.submitted_at:%H:%M:%S}")
    )  # fmt: skip
    st.dataframe(
        ctx.shared(of + (info.challenge,), "board_table", lambda: shown_table(ctx, table, info)),
        hide_index=True,
        column_config=standing_columns(ctx, info),
        key="board_table",
    )
    setting = st.selectbox(
        ctx.t("board.chart.by"),
        CHART_SETTINGS,
        format_func=lambda s: ctx.t(f"param.{s}.label"),
        key="board_chart_by",
    )
    ctx.draw(of + (info.metric,), f"board_{setting}",
             lambda: board_chart(table, setting, info.metric, ctx.lang))  # fmt: skip
    st.download_button(
        ctx.t("board.csv"),
        data=lambda: standings_csv(table),
        file_name=f"board-{info.code}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="board_csv",
    )


def shown_table(ctx: PageContext, table, info: BoardInfo) -> pa.Table:
    """The standings as the table shows them (the model's name in the reader's words,
    the key settings, an absolute link to each run), as the Arrow table `st.dataframe`
    would make of it. The time of each entry is in the CSV, the latest one in the
    caption above: the table fits a projected page (1440 px) without scrolling sideways."""
    shown = table.assign(
        model=table.model.map(labels(ctx.lang, "model", CHART_MODELS)),
        link=base_url() + table.link.where(table.link != "?", "?model=rnn"),
    )
    columns = ["rank", "name", "model", "score"] + (["passed"] if info.challenge else [])
    shown = shown[columns + list(KEY_SETTINGS) + ["link"]]
    return pa.Table.from_pandas(shown, preserve_index=False)


def standing_columns(ctx: PageContext, info: BoardInfo) -> dict:
    """The column headers in the reader's language, each column as wide as its values
    (px): with a challenge's "goal met" and a 40-character name (cut at the column's
    edge) they take 965 px of the 978 px the table has at 1440 px with the sidebar open. The
    settings have short headers; their help gives the sidebar's label."""
    metric = ctx.t(f"chart.metric.{info.metric}")
    column = st.column_config
    return {
        "rank": column.NumberColumn(ctx.t("board.column.rank"), format="%d", width=40),
        "name": column.TextColumn(ctx.t("board.column.name"), width=160),
        "model": column.TextColumn(ctx.t("chart.title.model"), width=70),
        "score": column.NumberColumn(
            ctx.t("board.chart.error", metric=metric), format="%.4f", width=120
        ),
        "passed": column.CheckboxColumn(ctx.t("board.column.passed"), width=80),
        "link": column.LinkColumn(
            ctx.t("board.column.link"), display_text=ctx.t("board.open_run"), width=55
        ),
    } | {
        s: column.NumberColumn(
            ctx.t(f"board.column.{s}"), help=ctx.t(f"param.{s}.label"), width=SETTING_WIDTH[s]
        )
        for s in KEY_SETTINGS
    }
