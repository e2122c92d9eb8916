"""?view=board: the class board. A room joins with `?board=CODE`; each learner submits
the run on their page ("Submit this run", beside the run's errors on the Train tab, and
here) under a name; the board ranks the room's runs by the held-out error, which the
server computes from the settings (the cached run), never from anything the browser
sends. The ranking, a chart of the errors against a setting and the CSV refresh every
REFRESH_S seconds in a fragment of their own. The instructor's link
(`?view=board&board=CODE&token=...`) adds a panel to close, reopen and clear the board
and remove an entry; a board is made from this tab too.

The database: `st.connection("board", type="sql")` on the URL in `PLAYGROUND_BOARD_URL`
if set; else `[connections.board]` in `.streamlit/secrets.toml` (a `url`, or Streamlit's
dialect/host/... keys); else a SQLite file in `PLAYGROUND_DATA_DIR` (default `data/`).
The board itself is `playground.board` (plain SQLAlchemy), built once per process on the
connection's engine. A database that is down or locked shows a message here and never
stops the rest of the page."""

from __future__ import annotations

import os
import re
import time
from urllib.parse import urlencode

import pyarrow as pa
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app.context import PageContext
from playground.board import (
    BOARD_METRICS,
    MAX_NAME,
    Board,
    BoardError,
    BoardInfo,
    normalize_code,
    open_board,
)
from playground.board.store import default_url, server_engine_kwargs, standings_csv
from playground.board.names import MAX_TITLE
from playground.charts.board import board_chart
from playground.charts.labels import MODELS, labels
from playground.i18n import LANGUAGES
from playground.workshop.challenges import CHALLENGES
from playground.workshop.presets import PRESETS

REFRESH_S = 3  # the ranking, chart and CSV refresh this often (their fragment alone)
MIN_SUBMIT_GAP_S = 5.0  # one submission per session per this many seconds
KEY_SETTINGS = ("hidden_size", "seq_length", "num_layers", "epochs", "learning_rate", "noise")
CHART_SETTINGS = ("hidden_size", "seq_length", "epochs", "learning_rate", "noise", "num_layers",
                  "n_points", "model", "signal", "seed", "clip_grad", "init_scale",
                  "keep_gate_bias", "train_fraction")  # fmt: skip
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")  # escaped in names
DB_ERRORS = (BoardError, SQLAlchemyError, OSError)  # what a board call may raise


# ---- The database: one board store per process ------------------------------------------
def secrets_section() -> dict:
    """The `[connections.board]` section of `.streamlit/secrets.toml` ({} if none)."""
    try:
        if st.secrets.load_if_toml_exists() and "board" in st.secrets.get("connections", {}):
            return st.secrets["connections"]["board"].to_dict()
    except Exception:  # noqa: BLE001 - an unreadable secrets file: as if none
        pass
    return {}


def store() -> Board:
    """The board store of this process, on `st.connection("board", type="sql")`: the
    `PLAYGROUND_BOARD_URL` environment variable if set, else the `[connections.board]`
    secrets (a `url`, or Streamlit's dialect/host/... keys), else the SQLite file
    (`default_url`). No connection is made until used."""
    env_url = os.environ.get("PLAYGROUND_BOARD_URL", "").strip()
    section = {} if env_url else secrets_section()
    params = section or {"url": env_url or default_url()}
    return board_store(tuple(sorted((k, repr(v)) for k, v in params.items())), params)


@st.cache_resource
def board_store(key: tuple, _params: dict) -> Board:
    """The store of `store()`, one per set of connection parameters (`key`: their
    text). The parameters are passed to `st.connection` as keywords (which it reads
    before the secrets), so what is used is what `store()` chose."""
    params = dict(_params)
    backend = str(params.get("url") or params.get("dialect") or "").split(":")[0].split("+")[0]
    engine_kwargs = server_engine_kwargs(backend) if backend != "sqlite" else {}
    engine_kwargs |= dict(params.pop("create_engine_kwargs", {}))  # the secrets' own win
    conn = st.connection("board", type="sql", **params, **engine_kwargs)
    return open_board(conn.engine)


# ---- This session's board: read from the link once ---------------------------------------
def joined() -> tuple[str | None, str | None]:
    """This session's board code and instructor token, read from the link once. The
    token leaves the address bar at once (the board is often projected); the
    instructor keeps their link."""
    state = st.session_state
    if "board_code" not in state:
        raw = st.query_params.get("board")
        state.board_code = (normalize_code(raw) or raw.strip()[:12] or None) if raw else None
        state.board_token = st.query_params.get("token")
        if "token" in st.query_params:
            del st.query_params["token"]
    return state.board_code, state.board_token


def join(code: str, token: str | None = None) -> None:
    """Make `code` this session's board (kept in the link as `?board=`)."""
    st.session_state.board_code = code
    st.session_state.board_token = token
    st.query_params["board"] = code


def base_url() -> str:
    """The page's address without its query (empty where unknown: links stay relative)."""
    url = st.context.url or ""
    return url.split("?", 1)[0].split("#", 1)[0]


def class_link(info: BoardInfo) -> str:
    """The link a room opens: the board, and the board's language, preset and view."""
    query = {"board": info.code}
    if info.preset:
        query["preset"] = info.preset
    if info.challenge:
        query["view"] = "challenges"
    query["lang"] = info.lang
    return base_url() + "?" + urlencode(query)


def instructor_link(code: str, token: str) -> str:
    """The instructor's private link: the board view with the token."""
    return base_url() + "?" + urlencode({"view": "board", "board": code, "token": token})


def as_text(text: str) -> str:
    """`text` (a name, a title) escaped for Streamlit's Markdown: shown as typed, never as
    formatting, a link, HTML, a formula or a coloured directive."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def failed(ctx: PageContext, err: Exception, container=st) -> None:
    """A board call's error as a message (the rest of the page goes on)."""
    key = err.key if isinstance(err, BoardError) else "board.error.unavailable"
    container.error(
        ctx.t(key, code=as_text(st.session_state.get("board_code") or "")), icon=":material/error:"
    )


# ---- Submitting a run ---------------------------------------------------------------------
def submit_box(ctx: PageContext) -> None:
    """On a board link: a name field and "Submit this run" (the page's run: the server
    scores it from its settings). Nothing without a board."""
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
        name = st.text_input(
            ctx.t("board.submit.name"),
            key="board_name",
            max_chars=MAX_NAME,
            on_change=lambda: state.update(board_name_kept=state.board_name),
        )
        clicked = st.button(
            ctx.t("board.submit.button"),
            key="board_submit",
            icon=":material/leaderboard:",
            disabled=not name.strip(),
        )
        if clicked:
            state.board_name_kept = name
            submit(ctx, code, name)
        st.caption(ctx.t("board.submit.help"))


def submit(ctx: PageContext, code: str, name: str) -> None:
    """Submit this page's run under `name` (at most one submission per MIN_SUBMIT_GAP_S
    per session) and say how it went."""
    state = st.session_state
    wait = MIN_SUBMIT_GAP_S - (time.monotonic() - state.get("board_last_submit", -1e9))
    if wait > 0:
        st.warning(ctx.t("board.submit.too_fast", seconds=max(1, round(wait))))
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
    would make of it."""
    shown = table.assign(
        model=table.model.map(labels(ctx.lang, "model", MODELS)),
        link=base_url() + table.link.where(table.link != "?", "?model=rnn"),
    )
    columns = ["rank", "name", "model", "score"] + (["passed"] if info.challenge else [])
    shown = shown[columns + list(KEY_SETTINGS) + ["submitted_at", "link"]]
    return pa.Table.from_pandas(shown, preserve_index=False)


def standing_columns(ctx: PageContext, info: BoardInfo) -> dict:
    """The column headers in the reader's language."""
    metric = ctx.t(f"chart.metric.{info.metric}")
    column = st.column_config
    return {
        "rank": column.NumberColumn(ctx.t("board.column.rank"), format="%d"),
        "name": column.TextColumn(ctx.t("board.column.name")),
        "model": column.TextColumn(ctx.t("chart.title.model")),
        "score": column.NumberColumn(ctx.t("board.chart.error", metric=metric), format="%.4f"),
        "passed": column.CheckboxColumn(ctx.t("board.column.passed")),
        "link": column.LinkColumn(ctx.t("board.column.link"), display_text=ctx.t("board.open_run")),
        "submitted_at": column.DatetimeColumn(
            ctx.t("board.column.submitted_at"), format="HH:mm:ss"
        ),
    } | {s: column.NumberColumn(ctx.t(f"param.{s}.label")) for s in KEY_SETTINGS}


# ---- Joining and making boards --------------------------------------------------------------
def join_form(ctx: PageContext) -> None:
    """A code to type (as read aloud) to join a board."""
    with st.form("board_join", border=True):
        st.markdown(ctx.t("board.join.title"))
        typed = st.text_input(ctx.t("board.join.code"), max_chars=16, key="board_join_code")
        if st.form_submit_button(ctx.t("board.join.button"), icon=":material/login:"):
            code = normalize_code(typed)
            if code is None:
                st.error(ctx.t("board.error.unknown", code=as_text(typed[:12])))
            else:
                join(code)
                st.rerun()


def create_form(ctx: PageContext, expanded: bool) -> None:
    """Open a new board (title, challenge or preset, language, metric); shows the class
    link and the instructor's private link once."""
    made = st.session_state.get("board_made")
    with st.expander(ctx.t("board.create.title"), expanded=expanded or made is not None,
                     icon=":material/add_box:"):  # fmt: skip
        if made is not None:
            code, token = made
            st.success(ctx.t("board.create.done", code=code), icon=":material/check_circle:")
            st.markdown(ctx.t("board.instructor.link_help"))
            st.code(instructor_link(code, token), language=None)
        with st.form("board_create", border=False):
            title = st.text_input(ctx.t("board.create.name"), max_chars=MAX_TITLE,
                                  value=ctx.t("board.create.default_title"))  # fmt: skip
            challenge = st.selectbox(
                ctx.t("board.create.challenge"),
                ["", *CHALLENGES],
                format_func=lambda k: ctx.t(CHALLENGES[k].title_key) if k else ctx.t("board.none"),
            )
            preset = st.selectbox(
                ctx.t("board.create.preset"),
                ["", *PRESETS],
                format_func=lambda k: ctx.t(PRESETS[k].title_key) if k else ctx.t("board.none"),
            )
            langs = tuple(LANGUAGES)
            lang = st.selectbox(
                ctx.t("board.create.lang"), langs, index=langs.index(ctx.lang),
                format_func=LANGUAGES.get,
            )  # fmt: skip
            metric = st.selectbox(
                ctx.t("board.create.metric"), BOARD_METRICS,
                format_func=lambda m: ctx.t(f"chart.metric.{m}"),
            )  # fmt: skip
            if st.form_submit_button(ctx.t("board.create.button"), icon=":material/add:"):
                try:
                    made = store().create(title, challenge or None, preset or None, lang, metric)
                except DB_ERRORS as err:
                    failed(ctx, err)
                    return
                st.session_state.board_made = tuple(made)
                join(made.code, made.token)
                st.rerun()


def instructor_panel(ctx: PageContext, info: BoardInfo, token: str) -> None:
    """Close or reopen, clear, remove an entry: the instructor's link only."""
    with st.container(border=True, key="board_instructor"):
        st.subheader(ctx.t("board.instructor.title"), anchor=False)
        left, middle, right = st.columns(3)
        if info.is_open:
            act = left.button(ctx.t("board.instructor.close"), icon=":material/lock:")
            action = store().close if act else None
        else:
            act = left.button(ctx.t("board.instructor.reopen"), icon=":material/lock_open:")
            action = store().reopen if act else None
        sure = middle.checkbox(ctx.t("board.instructor.clear_confirm"), key="board_clear_sure")
        if right.button(
            ctx.t("board.instructor.clear"), disabled=not sure, icon=":material/delete_sweep:"
        ):
            action = store().clear
        try:
            if action is not None:
                action(info.code, token)
                st.rerun()
            table = store().standings(info.code)
        except DB_ERRORS as err:
            failed(ctx, err)
            return
        if table.empty:
            return
        entries = list(zip(table.name, table.settings))
        chosen = st.selectbox(
            ctx.t("board.instructor.remove"),
            range(len(entries)),
            format_func=lambda i: f"{entries[i][0]} — {entries[i][1] or ctx.t('board.defaults')}",
            key="board_remove_pick",
        )
        if st.button(ctx.t("board.instructor.remove_button"), icon=":material/person_remove:"):
            name, settings = entries[chosen]
            try:
                store().remove(info.code, token, name, settings)
            except DB_ERRORS as err:
                failed(ctx, err)
                return
            st.rerun()
