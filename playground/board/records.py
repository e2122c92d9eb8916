"""What a board holds and shows: a board's and an entry's records, and its standings as a
frame and as CSV (safe to open in a spreadsheet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from playground.board.links import link_config
from playground.config import PARAMS, ExperimentConfig


BOARD_METRICS = ("rmse", "mse", "mae")  # held-out errors a board may rank by (lower wins)


STANDING_COLUMNS = (
    "rank", "name", "model", "score", "passed", "settings", "link", "submitted_at",
)  # fmt: skip


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
