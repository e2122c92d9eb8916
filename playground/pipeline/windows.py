"""Sliding windows over a series, the chronological train/test split, and scaling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def make_windows(y: np.ndarray, seq_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut `y` into inputs `X[i] = y[i : i+L]` and targets `Y[i] = y[i+L]`.

    Returns X of shape (N, L) and Y of shape (N,), N = len(y) - L. Raises ValueError
    when L < 1 or the series has no complete window.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {y.shape}")
    if seq_length < 1:
        raise ValueError(f"seq_length must be at least 1, got {seq_length}")
    n = len(y) - seq_length
    if n < 1:
        raise ValueError(f"a series of {len(y)} points has no window of {seq_length} + 1")
    X = np.lib.stride_tricks.sliding_window_view(y, seq_length)[:n].copy()  # (N, L)
    Y = y[seq_length:].copy()  # (N,)
    return X, Y


def split_index(n_windows: int, train_fraction: float) -> int:
    """How many of `n_windows` (the earliest ones) train; at least one each side."""
    if n_windows < 2:
        raise ValueError(f"need at least 2 windows to split, got {n_windows}")
    n_train = int(n_windows * train_fraction)
    return min(max(n_train, 1), n_windows - 1)


@dataclass(frozen=True)
class Scaler:
    """Affine map of values to about [-1, 1], fitted on training values only."""

    center: float  # midpoint of the training range
    half_range: float  # half the training range (1.0 when the range is empty)

    @classmethod
    def fit(cls, values: np.ndarray) -> "Scaler":
        lo, hi = float(np.min(values)), float(np.max(values))
        half = (hi - lo) / 2.0
        return cls(center=(hi + lo) / 2.0, half_range=half if half > 1e-12 else 1.0)

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values) - self.center) / self.half_range

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values) * self.half_range + self.center
