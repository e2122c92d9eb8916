"""The class board on a real database: `open_board(url)` -> `Board`.

Plain SQLAlchemy (Core); the tables (`tables.py`) are made on first use. A SQLite file by
default (`default_url`: `PLAYGROUND_BOARD_URL`, else `<PLAYGROUND_DATA_DIR or data>/board.db`),
in WAL mode, each write in an immediate transaction (writers queue on SQLite's busy
timeout instead of failing); Postgres by URL (`postgresql+psycopg://user:pw@host/db`).
Every statement is built by SQLAlchemy with bound parameters: no text reaches SQL.

A submission stores a name and a run's settings; its score is computed here, by running
the settings (`run`, `run_experiment` or the page's cached runner), never taken from
the caller. One entry per (board, name, settings): submitting again updates its time.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from sqlalchemy import Engine, create_engine, delete, event, exc, func, insert, select, update
from sqlalchemy.engine import make_url

from playground.board.codes import new_code, new_token, normalize_code, token_digest, token_matches
from playground.board.errors import (
    BoardClosed,
    BoardUnavailable,
    BadBoard,
    UnknownBoard,
    WrongToken,
)
from playground.board.links import Query, link_config, settings_text
from playground.board.names import clean_name, clean_title
from playground.board.tables import boards, entries, metadata, now
from playground.config import PARAMS, ExperimentConfig
from playground.i18n import LANGUAGES
from playground.pipeline.experiment import Runner, run_experiment
from playground.workshop.challenges import CHALLENGES, held_out_metric
from playground.workshop.presets import PRESETS

BOARD_METRICS = ("rmse", "mse", "mae")  # held-out errors a board may rank by (lower wins)
SQLITE_BUSY_S = 15.0  # how long a SQLite writer waits for another's lock
CONNECT_TIMEOUT_S = 5  # how long connecting to a database server may take
CODE_TRIES = 8  # fresh codes tried when one is taken
STANDING_COLUMNS = (
    "rank", "name", "model", "score", "passed", "settings", "link", "submitted_at",
)  # fmt: skip


def default_url() -> str:
    """The board database's URL: `PLAYGROUND_BOARD_URL` if set, else a SQLite file
    `board.db` in `PLAYGROUND_DATA_DIR` (default `data`, relative to the working
    directory)."""
    url = os.environ.get("PLAYGROUND_BOARD_URL", "").strip()
    if url:
        return url
    folder = Path(os.environ.get("PLAYGROUND_DATA_DIR", "data"))
    return f"sqlite:///{folder / 'board.db'}"


class Made(NamedTuple):
    """A new board: its class code and its instructor's secret token."""

    code: str
    token: str


@dataclass(frozen=True)
class BoardInfo:
    """A board's row, without its token."""

    code: str
    title: str
    challenge: str | None  # key of CHALLENGES, or None
    preset: str | None  # key of PRESETS, or None
    lang: str  # "en" | "zh"
    metric: str  # the held-out error it ranks by (BOARD_METRICS)
    is_open: bool
    created_at: datetime  # UTC


@dataclass(frozen=True)
class Entry:
    """One participant's run on a board, with the score the server computed."""

    code: str
    name: str  # cleaned
    settings: str  # the run's settings without defaults ("model=lstm&noise=0.3")
    model: str
    score: float | None  # the board's held-out metric; None when not finite
    passed: bool | None  # the board's challenge met (None: no challenge, or not checkable)
    submitted_at: datetime  # UTC, updated by each resubmission

    @property
    def link(self) -> str:
        """The query string that opens this run."""
        return "?" + self.settings


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


def open_board(url: str | Engine | None = None, *, run: Runner = run_experiment) -> "Board":
    """The board store at `url` (a SQLAlchemy URL or engine; `default_url()` if None).
    `run(cfg)` scores submissions (default: train now with `run_experiment`). Nothing
    connects until the first call; the tables are made then."""
    engine = url if isinstance(url, Engine) else make_engine(url or default_url())
    return Board(engine, run=run)


class Board:
    """Boards and their entries in one database. Safe to share between threads."""

    def __init__(self, engine: Engine, *, run: Runner = run_experiment) -> None:
        self.engine = prepare_engine(engine)
        self._writer = engine.execution_options(board_write=True)
        self.run = run
        self._ready = False
        self._lock = threading.Lock()

    # ---- the database --------------------------------------------------------------
    def _ensure_tables(self) -> None:
        """Make the tables on first use (two processes may race: the loser retries)."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            # In a write transaction: on SQLite, two processes checking then creating in
            # deferred transactions would deadlock (one fails at once, "locked").
            try:
                metadata.create_all(self._writer, checkfirst=True)
            except exc.DBAPIError:  # made meanwhile by another process? (else fails again)
                metadata.create_all(self._writer, checkfirst=True)
            self._ready = True

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator:
        """A connection in a transaction, committed at the end, rolled back on any
        error. A database that is down, locked past its timeout or out of connections
        raises BoardUnavailable."""
        try:
            self._ensure_tables()
            with (self._writer if write else self.engine).begin() as conn:
                yield conn
        except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as err:
            raise BoardUnavailable(str(err).splitlines()[0]) from err

    def _board_row(self, conn, code: object, *, lock: str = ""):
        """The row of the board `code` (a typed code is normalised); UnknownBoard if none.
        `lock` on Postgres ("share": a submission, against a concurrent close; "update":
        an instructor's change, one at a time); SQLite's write lock already does both."""
        clean = normalize_code(code)
        if clean is None:
            raise UnknownBoard(str(code)[:12])
        query = select(boards).where(boards.c.code == clean)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update(read=lock == "share")
        row = conn.execute(query).mappings().first()
        if row is None:
            raise UnknownBoard(clean)
        return row

    def _instructor_row(self, conn, code: object, token: object):
        """The board's row if `token` is its instructor's; else WrongToken."""
        row = self._board_row(conn, code, lock="update")
        if not token_matches(token, row["token_sha256"]):
            raise WrongToken(row["code"])
        return row

    def dispose(self) -> None:
        """Close the pooled connections (a server shutting down, a test restarting)."""
        self.engine.dispose()

    # ---- boards ----------------------------------------------------------------------
    def create(
        self,
        title: str,
        challenge: str | None = None,
        preset: str | None = None,
        lang: str = "en",
        metric: str = "rmse",
    ) -> Made:
        """Open a new board; returns its code and its instructor's token (shown once:
        the database keeps only its digest). BadName for an empty title, BadBoard for
        an unknown challenge, preset, language or metric."""
        title = clean_title(title)
        if challenge is not None and challenge not in CHALLENGES:
            raise BadBoard("challenge")
        if preset is not None and preset not in PRESETS:
            raise BadBoard("preset")
        if lang not in LANGUAGES:
            raise BadBoard("lang")
        if metric not in BOARD_METRICS:
            raise BadBoard("metric")
        token = new_token()
        row = {
            "token_sha256": token_digest(token),
            "title": title,
            "challenge": challenge,
            "preset": preset,
            "lang": lang,
            "metric": metric,
            "is_open": True,
            "created_at": now(),
        }
        for _ in range(CODE_TRIES):
            code = new_code()
            try:
                with self._transaction(write=True) as conn:
                    conn.execute(insert(boards).values(code=code, **row))
                return Made(code, token)
            except exc.IntegrityError:
                continue  # the code was taken: draw another
        raise BoardUnavailable("no free board code")

    def info(self, code: object) -> BoardInfo:
        """The board `code` (UnknownBoard if none)."""
        with self._transaction() as conn:
            row = self._board_row(conn, code)
        return BoardInfo(**{k: row[k] for k in BoardInfo.__dataclass_fields__})

    def check_token(self, code: object, token: object) -> bool:
        """Whether `token` is the instructor's of board `code` (UnknownBoard if none)."""
        with self._transaction() as conn:
            row = self._board_row(conn, code)
        return token_matches(token, row["token_sha256"])

    def _set_open(self, code: object, token: object, is_open: bool) -> None:
        with self._transaction(write=True) as conn:
            row = self._instructor_row(conn, code, token)
            conn.execute(update(boards).where(boards.c.code == row["code"]).values(is_open=is_open))

    def close(self, code: object, token: object) -> None:
        """Stop taking submissions (WrongToken: nothing changes)."""
        self._set_open(code, token, False)

    def reopen(self, code: object, token: object) -> None:
        """Take submissions again (WrongToken: nothing changes)."""
        self._set_open(code, token, True)

    def clear(self, code: object, token: object) -> int:
        """Remove every entry; returns how many (WrongToken: nothing changes)."""
        with self._transaction(write=True) as conn:
            row = self._instructor_row(conn, code, token)
            return conn.execute(delete(entries).where(entries.c.board == row["code"])).rowcount

    def remove(self, code: object, token: object, name: str, settings: str | None = None) -> int:
        """Remove `name`'s entries (only the one of `settings`, when given); returns how
        many (WrongToken: nothing changes)."""
        with self._transaction(write=True) as conn:
            row = self._instructor_row(conn, code, token)
            query = delete(entries).where(
                entries.c.board == row["code"], entries.c.name == clean_name(name)
            )
            if settings is not None:
                query = query.where(entries.c.settings == settings)
            return conn.execute(query).rowcount

    # ---- entries ---------------------------------------------------------------------
    def submit(self, code: object, name: str, query: Query, *, run: Runner | None = None) -> Entry:
        """Put `name`'s run of the link `query` (its parameters, or its query string) on
        the board: the run is trained (or taken from `run`'s cache) here and scored by
        the board's held-out metric; nothing the caller says about a score is read.
        One entry per (name, settings): again, it updates the entry's time. Raises
        UnknownBoard, BoardClosed, BadName, BoardUnavailable."""
        name = clean_name(name)
        cfg = link_config(query)
        with self._transaction() as conn:  # fail fast, before any training
            board = self._board_row(conn, code)
        if not board["is_open"]:
            raise BoardClosed(board["code"])
        result = (run or self.run)(cfg)
        score = held_out_metric(result, board["metric"])
        challenge = CHALLENGES.get(board["challenge"] or "")
        passed = None
        if challenge is not None and not challenge.needs:  # judged as the page judges it
            passed = bool(challenge.judge(cfg, run=run or self.run).passed)
        row = {
            "board": board["code"],
            "name": name,
            "settings": settings_text(cfg),
            "model": cfg.model,
            "score": score if math.isfinite(score) else None,
            "passed": passed,
        }
        stamp = now()
        with self._transaction(write=True) as conn:
            if not self._board_row(conn, code, lock="share")["is_open"]:
                raise BoardClosed(board["code"])  # closed while the run trained
            self._upsert(conn, row, stamp)
        return Entry(code=row.pop("board"), submitted_at=stamp, **row)

    @staticmethod
    def _upsert(conn, row: dict, stamp: datetime) -> None:
        """Insert the entry, or update the one of the same (board, name, settings)."""
        changed = {"score": row["score"], "passed": row["passed"], "submitted_at": stamp}
        dialect = conn.dialect.name
        if dialect in ("sqlite", "postgresql"):
            if dialect == "sqlite":
                from sqlalchemy.dialects.sqlite import insert as upsert
            else:
                from sqlalchemy.dialects.postgresql import insert as upsert
            query = upsert(entries).values(**row, first_at=stamp, submitted_at=stamp)
            conn.execute(
                query.on_conflict_do_update(
                    index_elements=["board", "name", "settings"], set_=changed
                )
            )
            return
        same = (entries.c.board == row["board"]) & (entries.c.name == row["name"])
        same = same & (entries.c.settings == row["settings"])
        if conn.execute(update(entries).where(same).values(**changed)).rowcount == 0:
            conn.execute(insert(entries).values(**row, first_at=stamp, submitted_at=stamp))

    def version(self, code: object) -> tuple:
        """What changes whenever the board's standings or state change: (code, is open,
        count, last id, last time). A page refreshing the board rebuilds its table only
        when this does."""
        with self._transaction() as conn:
            board = self._board_row(conn, code)
            query = select(
                func.count(entries.c.id), func.max(entries.c.id), func.max(entries.c.submitted_at)
            ).where(entries.c.board == board["code"])
            count, last_id, last_at = conn.execute(query).one()
        return (board["code"], bool(board["is_open"]), count, last_id, str(last_at))

    def standings(self, code: object) -> pd.DataFrame:
        """The board's entries, best first (lower score wins; no score last; ties by
        who submitted first): rank, name, model, score, passed, settings, link,
        submitted_at (UTC), then every setting of the run (one column per parameter).
        UnknownBoard if there is no such board."""
        with self._transaction() as conn:
            board = self._board_row(conn, code)
            rows = (
                conn.execute(select(entries).where(entries.c.board == board["code"]))
                .mappings()
                .all()
            )
        return standings_frame(rows)


def standings_frame(rows) -> pd.DataFrame:
    """The standings table of entry rows (see `Board.standings`)."""
    settings = [r["settings"] for r in rows]
    configs = [settings_config(s) for s in settings]
    columns = {
        "name": [r["name"] for r in rows],
        "model": [r["model"] for r in rows],
        "score": pd.array([r["score"] for r in rows], dtype="float64"),
        "passed": pd.array([r["passed"] for r in rows], dtype="boolean"),
        "settings": settings,
        "link": ["?" + s for s in settings],
        "submitted_at": pd.to_datetime([r["submitted_at"] for r in rows], utc=True),
    } | {p.name: [getattr(c, p.name) for c in configs] for p in PARAMS if p.name != "model"}
    frame = pd.DataFrame(columns).sort_values(
        ["score", "submitted_at"], na_position="last", kind="stable", ignore_index=True
    )
    frame.insert(0, "rank", frame["score"].rank(method="min").astype("Int64"))
    return frame


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads these as a formula


def standings_csv(table: pd.DataFrame) -> str:
    """The standings as CSV; a name a spreadsheet would run as a formula
    (`=HYPERLINK(...)`) starts with an apostrophe instead, so it opens as text."""
    safe = table.assign(name=[f"'{n}" if n.startswith(FORMULA_START) else n for n in table["name"]])
    return safe.to_csv(index=False)


@lru_cache(maxsize=4096)
def settings_config(settings: str) -> ExperimentConfig:
    """The config of an entry's settings text (memoised: a board refreshes often)."""
    return link_config(settings)
