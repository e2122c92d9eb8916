"""Inside the network: hidden states and gates of one window, and a 2-D view of the
hidden trajectory over every window. Frames only, from a fitted network (no refit)."""

from __future__ import annotations

from collections.abc import Mapping

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from playground.config import ExperimentConfig
from playground.pipeline.cells import Trace, trace
from playground.pipeline.experiment import Fitted, fit


def _long(values: np.ndarray, **const) -> pd.DataFrame:
    """(L, H) array -> rows step (1..L), unit (0..H-1), value, plus constant columns."""
    L, H = values.shape
    frame = pd.DataFrame(
        {
            "step": np.repeat(np.arange(1, L + 1), H),
            "unit": np.tile(np.arange(H), L),
            "value": values.reshape(-1).astype(np.float64),
        }
    )
    for key, value in const.items():
        frame.insert(0, key, value)
    return frame


def hidden_frame(tr: Trace, row: int = 0) -> pd.DataFrame:
    """Columns layer, step, unit, value: hidden state of window `row` of the batch."""
    parts = [_long(tr.hidden(k)[row].detach().numpy(), layer=k) for k in range(len(tr.steps))]
    return pd.concat(parts, ignore_index=True)


def gates_frame(tr: Trace, row: int = 0) -> pd.DataFrame:
    """Columns layer, gate, step, unit, value (LSTM: input, forget, output, cell_state;
    GRU: update, reset; RNN: no rows)."""
    parts = [
        _long(values[row].detach().numpy(), layer=k, gate=name)
        for k, layer in enumerate(tr.gates)
        for name, values in layer.items()
    ]
    if not parts:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=d)
                for c, d in (
                    ("layer", "int64"),
                    ("gate", "object"),
                    ("step", "int64"),
                    ("unit", "int64"),
                    ("value", "float64"),
                )
            }
        )
    frame = pd.concat(parts, ignore_index=True)
    return frame[["layer", "gate", "step", "unit", "value"]]


def project_2d(states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PCA of states (N, H) by SVD: (N, 2) coordinates and the variance share of each
    of the two components. Signs fixed so the largest loading of each is positive."""
    centered = states - states.mean(axis=0, keepdims=True)  # (N, H)
    _, s, vt = np.linalg.svd(centered, full_matrices=False)  # vt: (k, H)
    vt = (
        vt[:2] * np.sign(vt[:2][np.arange(min(2, len(vt))), np.abs(vt[:2]).argmax(axis=1)])[:, None]
    )
    coords = centered @ vt.T  # (N, 2)
    if coords.shape[1] < 2:  # hidden size 1: second axis is flat
        coords = np.column_stack([coords, np.zeros(len(coords))])
    total = float(np.sum(s**2)) or 1.0
    share = np.zeros(2)
    share[: min(2, len(s))] = (s[:2] ** 2) / total
    return coords, share


@dataclass(frozen=True)
class Inside:
    """Frames for the "inside the network" view of one trained model."""

    config: ExperimentConfig
    window: int  # index of the window shown (into all windows, train then test)
    inputs: pd.DataFrame  # step, t, value: the window's inputs, signal units
    hidden: pd.DataFrame  # layer, step, unit, value
    gates: pd.DataFrame  # layer, gate, step, unit, value
    trajectory: pd.DataFrame  # window, t, pc1, pc2, split: last hidden state per window
    explained: tuple[float, float]  # variance share of pc1, pc2
    diverged: bool  # training stopped early on NaN/inf


def inside_frames(fitted: Fitted, window: int | None = None) -> Inside:
    """Frames of hidden state and gates on `window` (default: the first test window)
    and the PCA trajectory of the last hidden state over every window."""
    cfg = fitted.config
    n_windows = len(fitted.Y)
    window = fitted.n_train if window is None else int(np.clip(window, 0, n_windows - 1))
    xs = torch.from_numpy(fitted.scaler.transform(fitted.X)).float()  # (N, L)
    with torch.no_grad():
        tr_all = trace(fitted.net, xs)
    last = tr_all.steps[-1][-1].numpy().astype(np.float64)  # (N, H)
    finite = np.all(np.isfinite(last), axis=1)
    coords, share = project_2d(last[finite]) if finite.any() else (np.zeros((0, 2)), np.zeros(2))
    idx = np.arange(n_windows)[finite]
    target_t = fitted.t[cfg.seq_length + idx]  # time of each window's target
    trajectory = pd.DataFrame(
        {
            "window": idx,
            "t": target_t,
            "pc1": coords[:, 0],
            "pc2": coords[:, 1],
            "split": np.where(idx < fitted.n_train, "train", "test"),
        }
    )
    inputs = pd.DataFrame(
        {
            "step": np.arange(1, cfg.seq_length + 1),
            "t": fitted.t[window : window + cfg.seq_length],
            "value": fitted.X[window],
        }
    )
    return Inside(
        cfg,
        window,
        inputs,
        hidden_frame(tr_all, window),
        gates_frame(tr_all, window),
        trajectory,
        (float(share[0]), float(share[1])),
        fitted.train_result.diverged,
    )


def probe_inside(
    cfg: ExperimentConfig,
    window: int | None = None,
    series: tuple[np.ndarray, np.ndarray] | None = None,
) -> Inside:
    """Fit `cfg` (deterministically) and return its inside-the-network frames."""
    return inside_frames(fit(cfg, series=series), window)


def picked_window(state: Mapping | None, n_windows: int, selection: str = "pick") -> int | None:
    """The window a click on the prediction chart picked: the `window` field of the
    point selection `selection` in a chart's selection state (Streamlit's
    `{"selection": {"pick": [{"window": 12}]}}`), or None when nothing (usable) was
    picked: an empty or cleared selection, a value that is not a window of `n_windows`."""
    try:
        points = (state or {}).get("selection", {}).get(selection) or []
        value = float(points[0]["window"])
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
    if not value.is_integer() or not 0 <= value < n_windows:
        return None
    return int(value)
