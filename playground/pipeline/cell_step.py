"""One time step of one trained cell, every number of it: the inputs (x_t, h_{t-1} and an
LSTM's c_{t-1}), each gate's pre-activation and value, the new state, for every hidden
unit; and one unit's arithmetic written out term by term. Frames for the page's
"step through one cell" part of the Inside view (charts/cell.py draws them).

The states come from `pipeline.cells.trace`, the traced computation behind the gate
charts (checked against nn.RNN, nn.LSTM and nn.GRU in the tests). The pre-activations,
which `trace` does not keep, are computed here with the network's weights in the same
float32 expression as `cells.py`; a unit's terms are the same sum taken apart in float64.
PyTorch stacks the gates' weight rows as LSTM (i, f, g, o) and GRU (r, z, n).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from playground.params import CELL_GATES
from playground.pipeline.cells import trace
from playground.pipeline.experiment import Fitted
from playground.pipeline.threads import single_threaded

# Each cell's computed quantities are its CELL_GATES (params.py), in PyTorch's weight-row
# order. The RNN's one "gate" is its tanh layer: value h = tanh(pre) is h_t itself.
TANH_GATES = frozenset({"g", "n", "h"})  # the rest are sigmoids (0..1)
ACTIVITY = ("change", "value")  # rank units by |h_t - h_{t-1}| or by |h_t|
TOP_UNITS = 8  # how many units the page shows side by side


def activation(gate: str) -> str:
    """ "tanh" or "sigmoid": the squashing function of `gate`."""
    return "tanh" if gate in TANH_GATES else "sigmoid"


def _numpy(x: torch.Tensor) -> np.ndarray:
    return x.detach().double().numpy().copy()


@dataclass(frozen=True, eq=False)
class CellWeights:
    """One recurrent layer's weights (float64 copies): w_ih (G*H, I), w_hh (G*H, H),
    b_ih and b_hh (G*H,), G gates stacked in PyTorch's order (CELL_GATES)."""

    kind: str
    w_ih: np.ndarray
    w_hh: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray

    @property
    def hidden_size(self) -> int:
        return self.w_hh.shape[1]

    def row(self, gate: str, unit: int) -> int:
        """The weight row of `gate` for hidden unit `unit`."""
        return CELL_GATES[self.kind].index(gate) * self.hidden_size + unit


@dataclass(frozen=True, eq=False)
class CellStep:
    """Every number of one time step of one layer on one window; arrays are (H,) per
    hidden unit unless said otherwise, in network units (the scaled input)."""

    kind: str  # "rnn" | "lstm" | "gru"
    layer: int  # 0-based, 0 reads the signal
    num_layers: int
    window: int
    step: int  # 1..n_steps, as the gate charts' step axis
    n_steps: int
    x_t: np.ndarray  # (I,) the layer's input: the scaled signal (I = 1) or h_t below
    x_signal: float | None  # layer 0: the input in signal units; else None
    h_prev: np.ndarray  # h_{t-1} (zeros at step 1)
    c_prev: np.ndarray | None  # LSTM: c_{t-1}; else None
    pre: Mapping[str, np.ndarray]  # gate -> pre-activation (the argument of σ or tanh)
    value: Mapping[str, np.ndarray]  # gate -> σ(pre) or tanh(pre)
    c_t: np.ndarray | None  # LSTM: the new cell state; else None
    h_t: np.ndarray  # the new hidden state
    weights: CellWeights  # the layer's (for `unit_arithmetic`)

    @property
    def gates(self) -> tuple[str, ...]:
        return CELL_GATES[self.kind]

    @property
    def hidden_size(self) -> int:
        return len(self.h_t)

    def activity(self, by: str = "change") -> np.ndarray:
        """(H,) how active each unit is at this step: |h_t - h_{t-1}| ("change") or
        |h_t| ("value"); NaN where not finite."""
        if by not in ACTIVITY:
            raise ValueError(f"unknown activity {by!r}; choose from {ACTIVITY}")
        return np.abs(self.h_t - self.h_prev) if by == "change" else np.abs(self.h_t)


def top_units(step: CellStep, k: int = TOP_UNITS, by: str = "change") -> np.ndarray:
    """The (up to) `k` most active units at `step`, most active first (ties: lower unit
    first; units whose activity is not finite last)."""
    activity = step.activity(by)
    key = np.where(np.isfinite(activity), -activity, np.inf)
    return np.argsort(key, kind="stable")[: max(k, 0)]


def _layer_weights(fitted: Fitted, layer: int) -> list[torch.Tensor]:
    rnn = fitted.net.rnn
    return [getattr(rnn, f"{n}_l{layer}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]


def _pre_activations(kind: str, x, h, w_ih, w_hh, b_ih, b_hh) -> dict[str, torch.Tensor]:
    """Gate -> (1, H) pre-activation at one step, in `cells.py`'s float32 expressions."""
    if kind == "gru":
        ri, zi, ni = (x @ w_ih.T + b_ih).chunk(3, dim=1)
        rh, zh, nh = (h @ w_hh.T + b_hh).chunk(3, dim=1)
        r = torch.sigmoid(ri + rh)
        return {"r": ri + rh, "z": zi + zh, "n": ni + r * nh}
    pre = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh  # (1, G*H)
    return dict(zip(CELL_GATES[kind], pre.chunk(len(CELL_GATES[kind]), dim=1), strict=True))


def _check(fitted: Fitted, window: int, layer: int) -> int:
    n_windows, num_layers = len(fitted.X), fitted.net.rnn.num_layers
    if not 0 <= window < n_windows:
        raise ValueError(f"window {window} outside 0..{n_windows - 1}")
    if not -num_layers <= layer < num_layers:
        raise ValueError(f"layer {layer} outside the network's {num_layers} layers")
    return layer % num_layers


@single_threaded
def cell_step(fitted: Fitted, window: int, step: int, layer: int = -1) -> CellStep:
    """Time step `step` (1..L) of `layer` (-1: the top one) on window `window`, as the
    network computes it on the window scaled as it sees it. A few milliseconds: one
    traced pass over one window."""
    layer = _check(fitted, window, layer)
    n_steps = fitted.X.shape[1]
    if not 1 <= step <= n_steps:
        raise ValueError(f"step {step} outside 1..{n_steps}")
    net, kind, s = fitted.net, fitted.net.kind, step - 1
    xs = torch.from_numpy(fitted.scaler.transform(fitted.X[window : window + 1])).float()
    with torch.no_grad():
        tr = trace(net, xs)  # (1, L): every layer's states and gates on the window
        w = _layer_weights(fitted, layer)
        hs = tr.steps[layer]  # [step] -> (1, H)
        x_t = xs[:, s : s + 1] if layer == 0 else tr.steps[layer - 1][s]  # (1, I)
        h_prev = hs[s - 1] if s else torch.zeros_like(hs[0])
        pre = _pre_activations(kind, x_t, h_prev, *w)
        value = {g: torch.tanh(p) if g in TANH_GATES else torch.sigmoid(p) for g, p in pre.items()}
        cells = tr.gates[layer].get("cell_state")  # LSTM: (1, L, H) c_t
        c_prev = None if cells is None else (cells[:, s - 1] if s else torch.zeros_like(hs[0]))
        return CellStep(
            kind=kind,
            layer=layer,
            num_layers=net.rnn.num_layers,
            window=window,
            step=step,
            n_steps=n_steps,
            x_t=_numpy(x_t[0]),
            x_signal=float(fitted.X[window, s]) if layer == 0 else None,
            h_prev=_numpy(h_prev[0]),
            c_prev=None if c_prev is None else _numpy(c_prev[0]),
            pre={g: _numpy(p[0]) for g, p in pre.items()},
            value={g: _numpy(v[0]) for g, v in value.items()},
            c_t=None if cells is None else _numpy(cells[0, s]),
            h_t=_numpy(hs[s][0]),
            weights=CellWeights(kind, *(_numpy(p) for p in w)),
        )


@dataclass(frozen=True, eq=False)
class GateTerms:
    """One gate of one unit taken apart: pre = Σ input_terms + bias_ih
    + scale · (Σ hidden_terms + bias_hh), where scale is the reset gate r for a GRU's
    candidate n and 1 otherwise; value = activation(pre)."""

    gate: str
    activation: str  # "sigmoid" | "tanh"
    w_input: np.ndarray  # (I,) the unit's input weights
    input_terms: np.ndarray  # (I,) w_input * x_t
    w_hidden: np.ndarray  # (H,) the unit's recurrent weights
    hidden_terms: np.ndarray  # (H,) w_hidden * h_{t-1}
    bias_ih: float
    bias_hh: float
    scale: float  # GRU n: the unit's reset gate r; else 1.0
    pre: float  # the pre-activation the cell computed (float32, as the network)
    value: float

    @property
    def input_sum(self) -> float:
        return float(np.sum(self.input_terms))

    @property
    def hidden_sum(self) -> float:
        return float(np.sum(self.hidden_terms))

    def total(self) -> float:
        """The terms added up (float64): equals `pre` up to float32 rounding."""
        return self.input_sum + self.bias_ih + self.scale * (self.hidden_sum + self.bias_hh)

    def largest_hidden(self, k: int = 3) -> list[tuple[int, float]]:
        """The `k` recurrent terms largest in size: (unit k of h_{t-1}, w * h)."""
        order = np.argsort(-np.abs(np.nan_to_num(self.hidden_terms)), kind="stable")[:k]
        return [(int(u), float(self.hidden_terms[u])) for u in order]


@dataclass(frozen=True, eq=False)
class UnitArithmetic:
    """Unit `unit`'s whole step: its gates' terms and the state update.
    LSTM: c_t = keep + write, keep = f·c_{t-1}, write = i·g; h_t = o·tanh(c_t).
    GRU: h_t = write + keep, write = (1-z)·n, keep = z·h_{t-1}.  RNN: h_t = tanh(pre)."""

    kind: str
    unit: int
    step: int
    layer: int
    x_t: np.ndarray  # (I,)
    h_prev: float
    c_prev: float | None
    gates: tuple[GateTerms, ...]
    keep: float | None  # the part of the old state kept (LSTM, GRU)
    write: float | None  # the part newly written (LSTM, GRU)
    c_t: float | None
    h_t: float

    def gate(self, name: str) -> GateTerms:
        return next(g for g in self.gates if g.gate == name)


def unit_arithmetic(step: CellStep, unit: int) -> UnitArithmetic:
    """The terms of every gate of hidden unit `unit` at `step`, and its state update."""
    if not 0 <= unit < step.hidden_size:
        raise ValueError(f"unit {unit} outside 0..{step.hidden_size - 1}")
    w = step.weights
    r = step.value["r"][unit] if step.kind == "gru" else 1.0
    gates = []
    for g in step.gates:
        row = w.row(g, unit)
        gates.append(
            GateTerms(
                gate=g,
                activation=activation(g),
                w_input=w.w_ih[row].copy(),
                input_terms=w.w_ih[row] * step.x_t,
                w_hidden=w.w_hh[row].copy(),
                hidden_terms=w.w_hh[row] * step.h_prev,
                bias_ih=float(w.b_ih[row]),
                bias_hh=float(w.b_hh[row]),
                scale=float(r) if g == "n" else 1.0,
                pre=float(step.pre[g][unit]),
                value=float(step.value[g][unit]),
            )
        )
    v = {g: float(step.value[g][unit]) for g in step.gates}
    h_prev = float(step.h_prev[unit])
    c_prev = None if step.c_prev is None else float(step.c_prev[unit])
    if step.kind == "lstm":
        keep, write = v["f"] * c_prev, v["i"] * v["g"]
    elif step.kind == "gru":
        keep, write = v["z"] * h_prev, (1.0 - v["z"]) * v["n"]
    else:
        keep = write = None
    return UnitArithmetic(
        kind=step.kind,
        unit=unit,
        step=step.step,
        layer=step.layer,
        x_t=step.x_t.copy(),
        h_prev=h_prev,
        c_prev=c_prev,
        gates=tuple(gates),
        keep=keep,
        write=write,
        c_t=None if step.c_t is None else float(step.c_t[unit]),
        h_t=float(step.h_t[unit]),
    )


def window_inputs(fitted: Fitted, window: int) -> pd.DataFrame:
    """Columns step (1..L), t, value: window `window`'s inputs in signal units."""
    L = fitted.X.shape[1]
    return pd.DataFrame(
        {
            "step": np.arange(1, L + 1),
            "t": fitted.t[window : window + L],
            "value": fitted.X[window].astype(np.float64),
        }
    )
