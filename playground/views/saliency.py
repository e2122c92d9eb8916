"""What a prediction depends on: |∂ŷ/∂x_{t−k}|, how much one window's prediction moves
per unit change of each of its inputs, k = 0 the last input step, k = L − 1 the first.
Frames only.

Units: the network sees x̃ = (x − c)/s and the page shows ŷ = c + s·f(x̃) (`Scaler`, one
affine map for inputs and outputs), so ∂ŷ/∂x = s·f'(x̃)·(1/s) = f'(x̃): the saliency in
signal units per signal unit equals the network's derivative in scaled units. It has no
unit: 1 means the prediction moves one-for-one with that input (a copy of it), 0 means
that input does not matter.

Fitted networks are shared read-only across threads: the derivative is taken with
`torch.autograd.grad` with respect to an input tensor, never `.backward()`, so no
parameter's `.grad` is written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch import nn

from playground.pipeline.experiment import Fitted
from playground.pipeline.threads import single_threaded

COLUMNS = ["model", "window", "lag", "saliency"]


@single_threaded
def input_saliency(net: nn.Module, xs: torch.Tensor) -> np.ndarray:
    """|∂ŷ_b/∂x_{b,j}| (B, L) for windows xs (B, L) in the network's units; column j is
    input step j (0 the first, L − 1 the last). One forward and one backward pass: each
    prediction depends on its own window only, so the gradient of their sum holds every
    window's own derivatives. Non-finite values come back as NaN. Reads `net` only."""
    x = xs.detach().to(torch.float32).clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(net(x).sum(), x)
    out = grad.detach().abs().double().numpy()
    return np.where(np.isfinite(out), out, np.nan)


def by_lag(values: np.ndarray) -> np.ndarray:
    """Per input step j = 0..L−1 (last axis) -> per lag k = L−1−j (k = 0 the last step)."""
    return np.asarray(values)[..., ::-1]


def window_saliency(fits: dict[str, Fitted], window: int) -> pd.DataFrame:
    """Columns model, window, lag, saliency: |∂ŷ/∂x_{t−k}| of window `window`'s one-step
    prediction for each fitted model, lag k = 0..L−1 (0 the last input). In signal units
    per signal unit (see the module doc). Rows that are not finite are dropped. Reads
    `fits` only."""
    parts = []
    for model, fitted in fits.items():
        if not 0 <= window < len(fitted.X):
            raise ValueError(f"window {window} outside 0..{len(fitted.X) - 1}")
        xs = torch.from_numpy(fitted.scaler.transform(fitted.X[window : window + 1])).float()
        sal = by_lag(input_saliency(fitted.net, xs)[0])  # (L,)
        parts.append(
            pd.DataFrame(
                {
                    "model": model,
                    "window": window,
                    "lag": np.arange(len(sal)),
                    "saliency": sal,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: [] for c in COLUMNS})
    frame = pd.concat(parts, ignore_index=True)[COLUMNS]
    return frame[np.isfinite(frame.saliency)].reset_index(drop=True)


# The settings saliency.lesson names (the Vanishing gradients scenario's window and
# keep-gate bias; tests/test_saliency.py checks they are the preset's): the fixed sentence
# is shown beside a chart of those settings only.
LESSON_WINDOW, LESSON_BIAS = 50, 4.0


def lesson_applies(seq_length: int, keep_gate_bias: float) -> bool:
    """Whether the chart's run has the settings saliency.lesson is about."""
    return seq_length == LESSON_WINDOW and keep_gate_bias == LESSON_BIAS


def first_input_shares(frame: pd.DataFrame) -> dict[str, float]:
    """Per model of `frame` (window_saliency's), |∂ŷ/∂x| at its first input (the
    largest lag) over its largest |∂ŷ/∂x|: how much the prediction depends on the
    oldest input against the input it uses most (NaN where every value is 0)."""
    shares = {}
    for model, part in frame.groupby("model", sort=False):
        s = part.set_index("lag").saliency
        top = float(s.max())
        shares[str(model)] = float(s[s.index.max()]) / top if top > 0 else float("nan")
    return shares
