"""Cache keys, made in one place, and the data a run trains on as one value.

A run is identified by its config and its data; a view's result by the view, the run
and the view's own inputs (a window, the models compared); a chart spec by what it draws
and the language. Every key starts with its kind, so kinds never collide in the one cache.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np

from playground.config import ExperimentConfig


@dataclass(frozen=True, eq=False)
class Data:
    """What runs train on: the config's own signal (`series` None) or a given series,
    e.g. an upload. `key` names the series in cache keys (() for the signal)."""

    series: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)  # (t, y)
    key: tuple = ()  # e.g. ("upload", file digest, column, n values)


SIGNAL = Data()  # the config's own signal


def run_key(cfg: ExperimentConfig, data: Data = SIGNAL) -> tuple:
    """The key of the run of `cfg` on `data`."""
    return ("run", cfg.key(), data.key)


def view_key(view: str, cfg: ExperimentConfig, data: Data, *extra: Hashable) -> tuple:
    """The key of `view`'s result for the page's run, plus the view's own inputs."""
    return ("view", view, cfg.key(), data.key, *extra)


def spec_key(of: tuple, chart: str, lang: str) -> tuple:
    """The key of the Vega-Lite spec of `chart` drawn from the value keyed `of`."""
    return ("spec", of, chart, lang)
