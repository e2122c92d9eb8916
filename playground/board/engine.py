"""The board's database engine: which database (default_url), and an engine set up for it
(SQLite in WAL mode with immediate write transactions; a server with a connect timeout)."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


SQLITE_BUSY_S = 15.0  # how long a SQLite writer waits for another's lock


CONNECT_TIMEOUT_S = 5  # how long connecting to a database server may take


def default_url() -> str:
    """The board database's URL: `PLAYGROUND_BOARD_URL` if set, else a SQLite file
    `board.db` in `PLAYGROUND_DATA_DIR` (default `data`, relative to the working
    directory)."""
    url = os.environ.get("PLAYGROUND_BOARD_URL", "").strip()
    if url:
        return url
    folder = Path(os.environ.get("PLAYGROUND_DATA_DIR", "data"))
    return f"sqlite:///{folder / 'board.db'}"


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    """Each new SQLite connection: WAL journal, foreign keys, and transactions begun
    by us (`_sqlite_on_begin`), not by the driver."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_S * 1000)}")  # first: WAL waits too
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_on_begin(conn) -> None:
    """A write transaction takes SQLite's write lock at once (BEGIN IMMEDIATE), so two
    writers queue on the busy timeout; a deferred one could fail on upgrading its lock."""
    immediate = conn.get_execution_options().get("board_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url` (SQLite waits SQLITE_BUSY_S for a lock; pooled Postgres
    connections are checked before use, so a restarted server is met again)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_S})
    return create_engine(parsed, **server_engine_kwargs(parsed.get_backend_name()))


def server_engine_kwargs(backend: str) -> dict:
    """`create_engine` keywords for a database server (`backend`, e.g. "postgresql"):
    pooled connections checked before use (a restarted server is met again) and, for
    Postgres, a connect timeout (a server that does not answer fails in seconds, not
    after the system's TCP timeout)."""
    kwargs: dict = {"pool_pre_ping": True}
    if backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
    return kwargs


def prepare_engine(engine: Engine) -> Engine:
    """Set up an engine (ours or one made elsewhere, e.g. by `st.connection`), once:
    a SQLite file's folder is made if missing (if it cannot be, the first use says
    BoardUnavailable) and its connections set up (`_sqlite_on_connect`, `_on_begin`)."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _sqlite_on_connect):
        return engine
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        with suppress(OSError):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine
