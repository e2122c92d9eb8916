"""Signal registry: functions that make a (time, value) series from a config.

Each entry takes `(n_points, noise, rng)` and returns `(t, y)`, two float arrays of
length `n_points` (shorter for a real series that has fewer points). Adding a signal is
one entry in `SIGNAL_MAKERS`; the config stores its key (one of `params.SIGNALS`).

Synthetic signals span t = 0..4π and add N(0, noise²) noise. Real series (`REAL_SERIES`,
CSV files in `datasets/`) keep their own time axis (years) and ignore `noise`: they carry
their own irregularity, and added noise would misstate the data. They use their most
recent `min(n_points, length)` points, so a config never trains on more points than its
budget assumes; raise `n_points` to see the whole series.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

from playground.config import ExperimentConfig

SignalFn = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]

DATASETS_DIR = Path(__file__).parent / "datasets"


def time_grid(n_points: int) -> np.ndarray:
    """`n_points` times evenly spaced over 0..4π: two periods of sin(t)."""
    return np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)


def sine(n_points: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's signal: sin(t) over 0..4π plus N(0, noise²) noise."""
    t = time_grid(n_points)  # (n_points,)
    y = np.sin(t) + rng.normal(0.0, noise, n_points)  # (n_points,)
    return t, y


def square(n_points: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A ±1 square wave with the sine's period: sharp jumps are hard to anticipate."""
    t = time_grid(n_points)
    return t, np.where(np.sin(t) >= 0.0, 1.0, -1.0) + rng.normal(0.0, noise, n_points)


def sawtooth(
    n_points: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A rising ramp from -1 to 1 each period 2π, then a drop."""
    t = time_grid(n_points)
    ramp = 2.0 * np.mod(t / (2.0 * np.pi), 1.0) - 1.0
    return t, ramp + rng.normal(0.0, noise, n_points)


def sum_of_sines(
    n_points: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """sin(t) + 0.5·sin(3t + 1): a fundamental and a faster harmonic."""
    t = time_grid(n_points)
    clean = np.sin(t) + 0.5 * np.sin(3.0 * t + 1.0)
    return t, clean + rng.normal(0.0, noise, n_points)


def damped_sine(
    n_points: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """exp(-t/6)·sin(2t): an oscillation that fades (amplitude 1 -> 0.12)."""
    t = time_grid(n_points)
    return t, np.exp(-t / 6.0) * np.sin(2.0 * t) + rng.normal(0.0, noise, n_points)


def trend_season(
    n_points: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """0.15·t + 0.5·sin(3t): a rising trend the test region leaves the training range on."""
    t = time_grid(n_points)
    return t, 0.15 * t + 0.5 * np.sin(3.0 * t) + rng.normal(0.0, noise, n_points)


def random_walk(
    n_points: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative N(0, 0.1²) steps plus observation noise: no pattern to learn beyond
    "about the last value", so persistence is hard to beat."""
    t = time_grid(n_points)
    walk = np.cumsum(rng.normal(0.0, 0.1, n_points))
    return t, walk + rng.normal(0.0, noise, n_points)


@lru_cache(maxsize=8)
def _read_dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    lines = (DATASETS_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()
    rows = [ln.split(",") for ln in lines if ln and not ln.startswith("#")][1:]  # no header
    values = np.array(rows, dtype=np.float64)  # (n, 2): t, value
    return values[:, 0], values[:, 1]


def load_dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The full shipped series `name` (file `datasets/<name>.csv`): copies of (t, y)."""
    t, y = _read_dataset(name)
    return t.copy(), y.copy()


def most_recent(t: np.ndarray, y: np.ndarray, n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """The last `n_points` of a real series (t, y), or all of it when it is shorter."""
    keep = min(n_points, len(y))
    return t[-keep:], y[-keep:]


def _real(name: str) -> SignalFn:
    def real(
        n_points: int, noise: float, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        return most_recent(*load_dataset(name), n_points)  # noise is ignored

    real.__doc__ = f"The shipped real series {name!r} (datasets/{name}.csv); ignores noise."
    real.__name__ = name
    return real


SIGNAL_MAKERS: dict[str, SignalFn] = {  # key (params.SIGNALS, in order) -> its maker
    "sine": sine,
    "square": square,
    "sawtooth": sawtooth,
    "sum_of_sines": sum_of_sines,
    "damped_sine": damped_sine,
    "trend_season": trend_season,
    "random_walk": random_walk,
    "airline": _real("airline"),  # monthly airline passengers 1949-1960, 144 points
    "sunspots": _real("sunspots"),  # yearly sunspot numbers 1700-1988, 289 points
}

# Keys whose data is shipped, not generated: their noise setting has no effect.
REAL_SERIES: frozenset[str] = frozenset({"airline", "sunspots"})


def make_signal(cfg: ExperimentConfig) -> tuple[np.ndarray, np.ndarray]:
    """The series for `cfg`, seeded by `cfg.seed` alone (no global RNG)."""
    rng = np.random.default_rng(cfg.seed)
    t, y = SIGNAL_MAKERS[cfg.signal](cfg.n_points, cfg.noise, rng)
    return t.astype(np.float64), y.astype(np.float64)
