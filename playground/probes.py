"""Inside the network: hidden states, gates, a 2-D view of the hidden trajectory and
the gradient norm per time step.

The cell equations are re-implemented here with the trained weights (PyTorch's own
layers return only hidden states, not gates); `trace` is checked against nn.RNN,
nn.LSTM and nn.GRU in the tests. Functions that take a config re-fit it
deterministically and return frames only, so callers can cache the result cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .config import MODELS, ExperimentConfig
from .experiment import Fitted, fit, fitted_models, init_model
from .models import SequenceRegressor
from .threads import single_threaded

# Gate names per cell, in the order PyTorch stacks their weights (rows of weight_ih).
GATES: dict[str, tuple[str, ...]] = {
    "rnn": (),
    "lstm": ("input", "forget", "candidate", "output"),  # i, f, g, o
    "gru": ("reset", "update", "candidate"),  # r, z, n
}


def _rnn_layer(x, h, w_ih, w_hh, b_ih, b_hh):
    """Vanilla RNN over x (B, L, I): h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)."""
    hs = []
    for step in range(x.shape[1]):
        h = torch.tanh(x[:, step] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)  # (B, H)
        hs.append(h)
    return hs, {}


def _lstm_layer(x, h, w_ih, w_hh, b_ih, b_hh):
    """LSTM: i, f, o = σ(·), g = tanh(·); c_t = f c_{t-1} + i g; h_t = o tanh(c_t)."""
    c = torch.zeros_like(h)  # (B, H) cell state
    hs, gates = [], {name: [] for name in ("input", "forget", "output", "cell_state")}
    for step in range(x.shape[1]):
        pre = x[:, step] @ w_ih.T + b_ih + h @ w_hh.T + b_hh  # (B, 4H)
        i, f, g, o = pre.chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        hs.append(h)
        for name, value in (("input", i), ("forget", f), ("output", o), ("cell_state", c)):
            gates[name].append(value)
    return hs, gates


def _gru_layer(x, h, w_ih, w_hh, b_ih, b_hh):
    """GRU: r, z = σ(·); n = tanh(W_in x + b_in + r (W_hn h + b_hn)); h = (1-z) n + z h."""
    hs, gates = [], {"update": [], "reset": []}
    for step in range(x.shape[1]):
        gi = x[:, step] @ w_ih.T + b_ih  # (B, 3H)
        gh = h @ w_hh.T + b_hh  # (B, 3H)
        ri, zi, ni = gi.chunk(3, dim=1)
        rh, zh, nh = gh.chunk(3, dim=1)
        r, z = torch.sigmoid(ri + rh), torch.sigmoid(zi + zh)
        n = torch.tanh(ni + r * nh)
        h = (1.0 - z) * n + z * h
        hs.append(h)
        gates["update"].append(z)
        gates["reset"].append(r)
    return hs, gates


LAYERS = {"rnn": _rnn_layer, "lstm": _lstm_layer, "gru": _gru_layer}


@dataclass
class Trace:
    """Every layer's hidden state and gates over a batch of windows (top layer last)."""

    steps: list[list[torch.Tensor]]  # [layer][step] -> (B, H) hidden state h_t
    gates: list[dict[str, torch.Tensor]]  # [layer] gate name -> (B, L, H)
    prediction: torch.Tensor  # (B,) head applied to the top layer's last h

    def hidden(self, layer: int = -1) -> torch.Tensor:
        """(B, L, H) hidden states of `layer`."""
        return torch.stack(self.steps[layer], dim=1)


@single_threaded
def trace(net: SequenceRegressor, x: torch.Tensor) -> Trace:
    """Run `net` step by step on x (B, L) (scaled units) with the cell equations written
    out, so hidden states and gates are visible and differentiable."""
    layer_fn = LAYERS[net.kind]
    inp = x.unsqueeze(-1) if x.dim() == 2 else x  # (B, L, 1)
    steps, gates = [], []
    for k in range(net.rnn.num_layers):
        w = [
            getattr(net.rnn, f"{n}_l{k}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        ]
        h0 = inp.new_zeros(inp.shape[0], net.rnn.hidden_size)  # (B, H)
        hs, g = layer_fn(inp, h0, *w)
        steps.append(hs)
        gates.append({name: torch.stack(v, dim=1) for name, v in g.items()})
        inp = torch.stack(hs, dim=1)  # (B, L, H) input of the next layer
    prediction = net.head(steps[-1][-1]).squeeze(-1)  # (B,)
    return Trace(steps, gates, prediction)


# ---- Frames of one window --------------------------------------------------------


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
    tr_one = trace_rows(fitted, xs[window : window + 1])
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
        hidden_frame(tr_one),
        gates_frame(tr_one),
        trajectory,
        (float(share[0]), float(share[1])),
        fitted.train_result.diverged,
    )


def trace_rows(fitted: Fitted, xs: torch.Tensor) -> Trace:
    with torch.no_grad():
        return trace(fitted.net, xs)


def probe_inside(
    cfg: ExperimentConfig,
    window: int | None = None,
    series: tuple[np.ndarray, np.ndarray] | None = None,
) -> Inside:
    """Fit `cfg` (deterministically) and return its inside-the-network frames."""
    return inside_frames(fit(cfg, series=series), window)


# ---- Gradients through time ------------------------------------------------------


def gradient_norm_per_step(
    net: SequenceRegressor, xs: torch.Tensor, ys: torch.Tensor
) -> np.ndarray:
    """‖∂L/∂h_t‖ for t = 1..L, top layer, L = Σ_b (ŷ_b - y_b)² over windows xs (B, L),
    averaged over the B windows (each window's loss depends on its own h_t only).
    Non-finite norms come back as NaN."""
    tr = trace(net, xs)
    loss = torch.sum((tr.prediction - ys) ** 2)
    grads = torch.autograd.grad(loss, tr.steps[-1], allow_unused=True)
    norms = [torch.zeros(len(xs)) if g is None else g.norm(dim=1) for g in grads]  # (B,)
    out = torch.stack(norms, dim=1).mean(dim=0).detach().double().numpy()  # (L,)
    return np.where(np.isfinite(out), out, np.nan)


@dataclass(frozen=True)
class Gradients:
    """Gradient norm per time step, per model, at initialisation and after training."""

    frame: pd.DataFrame  # model, stage ("init" | "trained"), step, grad_norm
    diverged: dict[str, bool]  # model -> training diverged or a norm was not finite


def gradient_norms(
    cfg: ExperimentConfig,
    models: tuple[str, ...] = MODELS,
    max_windows: int = 256,
    series: tuple[np.ndarray, np.ndarray] | None = None,
) -> Gradients:
    """`gradient_frames` of each of `models` fitted now with every other setting of
    `cfg`, on its signal or on `series`."""
    return gradient_frames(fitted_models(cfg, models, series), max_windows)


def gradient_frames(fits: dict[str, Fitted], max_windows: int = 256) -> Gradients:
    """‖∂L/∂h_t‖ over the training windows (at most `max_windows`, the earliest), per
    fitted model, with its untrained and its trained weights. Steps count
    1..seq_length; step seq_length is the last, nearest the loss. Rows whose norm is not
    finite are dropped and the model flagged in `diverged`. Reads `fits` only."""
    parts, diverged = [], {}
    for model, fitted in fits.items():
        mcfg = fitted.config
        xs = torch.from_numpy(fitted.scaler.transform(fitted.X[: fitted.n_train])).float()
        ys = torch.from_numpy(fitted.scaler.transform(fitted.Y[: fitted.n_train])).float()
        xs, ys = xs[:max_windows], ys[:max_windows]
        flagged = fitted.train_result.diverged
        for stage, net in (("init", init_model(mcfg)), ("trained", fitted.net)):
            norms = gradient_norm_per_step(net, xs, ys)
            flagged = flagged or not np.all(np.isfinite(norms))
            parts.append(
                pd.DataFrame(
                    {
                        "model": model,
                        "stage": stage,
                        "step": np.arange(1, len(norms) + 1),
                        "grad_norm": norms,
                    }
                )
            )
        diverged[model] = bool(flagged)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[np.isfinite(frame.grad_norm)].reset_index(drop=True)
    return Gradients(frame, diverged)
