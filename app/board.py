"""The class board's plumbing for the page: the one store (the database from the app's
secrets or the environment), the board this session joined, links to it, and text and
errors shown safely."""

from __future__ import annotations

import os
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app.context import PageContext
from playground.board import (
    Board,
    BoardError,
    BoardInfo,
    normalize_code,
    open_board,
)
from playground.board.engine import default_url, server_engine_kwargs


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
    return page_address(st.context.url)


def page_address(url: str | None) -> str:
    """`url` without its query and fragment, with a path: `http://host:port` (what
    `st.context.url` gives at the server's root) becomes `http://host:port/`, so a
    query is appended as `/?board=...`, never `port?board=...`."""
    parts = urlsplit(url or "")
    if not parts.netloc:
        return parts.path
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


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
