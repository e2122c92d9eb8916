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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, delete, exc, func, insert, select, update

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
from playground.i18n import LANGUAGES
from playground.pipeline.experiment import Runner, run_experiment
from playground.workshop.challenges import CHALLENGES, held_out_metric
from playground.workshop.presets import PRESETS
from playground.board.engine import default_url, make_engine, prepare_engine
from playground.board.records import BOARD_METRICS, Made, BoardInfo, Entry, standings_frame

CODE_TRIES = 8  # fresh codes tried when one is taken


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
