"""Signal registry: functions that make a (time, value) series from a config.

Each entry takes `(n_points, noise, rng)` and returns `(t, y)`, two float arrays of
length `n_points`. Adding a signal is one entry in `SIGNALS`; the config stores its key.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .config import ExperimentConfig

SignalFn = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]


def sine(n_points: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's signal: sin(t) over 0..4π plus N(0, noise²) noise."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    y = np.sin(t) + rng.normal(0.0, noise, n_points)  # (n_points,)
    return t, y


SIGNALS: dict[str, SignalFn] = {"sine": sine}


def make_signal(cfg: ExperimentConfig) -> tuple[np.ndarray, np.ndarray]:
    """The series for `cfg`, seeded by `cfg.seed` alone (no global RNG)."""
    rng = np.random.default_rng(cfg.seed)
    t, y = SIGNALS[cfg.signal](cfg.n_points, cfg.noise, rng)
    return t.astype(np.float64), y.astype(np.float64)
