"""The board's two tables (SQLAlchemy Core), made by the app on first use.

`boards`: one row per board; the instructor's token only as its SHA-256.
`board_entries`: one row per (board, name, settings); a resubmission updates the row's
score and time. `settings` is the run's link without defaults (`model=lstm&noise=0.3`),
the same text for the same run whatever order the link had.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from playground.board.codes import CODE_LENGTH
from playground.board.names import MAX_NAME, MAX_TITLE

MAX_SETTINGS = 1000  # characters of an entry's settings text (every parameter fits in ~400)


class UTCDateTime(TypeDecorator):
    """A point in time stored as UTC and read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def now() -> datetime:
    """The current time, UTC."""
    return datetime.now(timezone.utc)


metadata = MetaData()

boards = Table(
    "boards",
    metadata,
    Column("code", String(CODE_LENGTH), primary_key=True),
    Column("token_sha256", String(64), nullable=False),
    Column("title", String(MAX_TITLE), nullable=False),
    Column("challenge", String(40)),  # a key of workshop.challenges.CHALLENGES, or NULL
    Column("preset", String(40)),  # a key of workshop.presets.PRESETS, or NULL
    Column("lang", String(8), nullable=False),
    Column("metric", String(8), nullable=False),  # held-out "rmse" | "mse" | "mae"
    Column("is_open", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

entries = Table(
    "board_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "board", String(CODE_LENGTH), ForeignKey("boards.code", ondelete="CASCADE"), nullable=False
    ),
    Column("name", String(MAX_NAME), nullable=False),
    Column("settings", String(MAX_SETTINGS), nullable=False),
    Column("model", String(8), nullable=False),
    Column("score", Float),  # the held-out metric; NULL when not finite (diverged)
    Column("passed", Boolean),  # the board's challenge met; NULL without a challenge
    Column("first_at", UTCDateTime, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    UniqueConstraint("board", "name", "settings", name="board_entries_one_per_run"),
)
