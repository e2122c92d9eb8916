"""Gradients through time: ‖∂L/∂h_t‖ per time step, per model, at initialisation and
after training (vanishing and exploding gradients). Frames only."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from playground.config import MODELS, ExperimentConfig
from playground.i18n import Note
from playground.pipeline.cells import trace
from playground.pipeline.experiment import ExperimentResult, Fitted, fitted_models, initial_network
from playground.pipeline.models import SequenceRegressor
from playground.pipeline.signals import make_signal
from playground.pipeline.windows import split_index
from playground.pipeline.experiment import SIGNAL, Data
from playground.views.saliency import first_input_shares


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
        for stage, net in (("init", initial_network(mcfg)), ("trained", fitted.net)):
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


# ---- The size of each training update, with and without clipping ---------------------
UPDATE_COLUMNS = ["epoch", "clipping", "update_size"]
TWIN_CLIP = 1.0  # the clipping limit a run without clipping is compared with


def clipping_twin(cfg: ExperimentConfig) -> ExperimentConfig:
    """The run `cfg` is compared with on the update-size chart: the same settings with
    clipping at TWIN_CLIP if `cfg` has none, else without clipping."""
    return replace(cfg, clip_grad=0.0 if cfg.clip_grad > 0 else TWIN_CLIP)


def update_frame(results: list[ExperimentResult]) -> pd.DataFrame:
    """Columns epoch, clipping (the run's clipping limit, 0 = none), update_size (the
    norm of all the weights' change in that epoch's update), for each of `results`."""
    parts = [
        pd.DataFrame(
            {
                "epoch": np.arange(1, len(sizes) + 1),
                "clipping": r.config.clip_grad,
                "update_size": sizes,
            }
        )
        for r in results
        for sizes in [r.fitted.train_result.update_sizes]
    ]
    return pd.concat(parts, ignore_index=True)[UPDATE_COLUMNS]


def two_figures(x: float) -> str:
    """A positive number to two significant figures, without e-notation: 0.38, 0.059,
    2.6, 17, 2,300."""
    digits = 1 - math.floor(math.log10(x))
    if round(x, digits) >= 10 ** (2 - digits):  # 9.96 -> 10: one figure fewer after it
        digits -= 1
    return f"{round(x, digits):,.{max(digits, 0)}f}"


def share_text(share: float, fractions: bool) -> str:
    """A share of the last step's gradient as a reader says it, never in e-notation: as
    a decimal ("0.38", "0.059", "3.1"), or, with `fractions`, as a fraction of it ("1/2.6",
    "1/2,300") or a multiple ("3.1×")."""
    if not np.isfinite(share):
        return "NaN"
    if share <= 0:
        return "0"
    if not fractions:
        return two_figures(share)
    if share >= 1.0:
        return f"{two_figures(share)}×"
    denominator = two_figures(1.0 / share)
    return "1/" + (denominator.rstrip("0").rstrip(".") if "." in denominator else denominator)


def share_texts(shares: Sequence[float]) -> list[str]:
    """Shares said side by side in one notation: decimals while every share is at least
    0.01, else fractions (so "RNN 0.38, LSTM 0.059" or "RNN 1/2.6, LSTM 1/2,300", never
    "RNN 0.38, LSTM 1/17")."""
    fractions = any(np.isfinite(s) and 0 < s < 0.01 for s in shares)
    return [share_text(s, fractions) for s in shares]


def reach_note(frame: pd.DataFrame) -> Note | None:
    """What the chart shows of each trained network, said from its numbers: the share
    ‖∂L/∂h_1‖ / ‖∂L/∂h_L‖ of the last step's gradient that reaches the first step, per
    model, and which keeps the least. None without trained rows."""
    trained = frame[frame.stage == "trained"].sort_values("step")
    if trained.empty:
        return None
    shares = {
        str(model): float(part.grad_norm.iloc[0] / part.grad_norm.iloc[-1])
        for model, part in trained.groupby("model", sort=False)
    }
    least = min(shares, key=lambda m: shares[m] if np.isfinite(shares[m]) else np.inf)
    return Note(
        "gradients.reach",
        {
            "steps": int(trained.step.max()),
            "shares": ", ".join(
                f"{m.upper()} {text}" for m, text in zip(shares, share_texts(list(shares.values())))
            ),
            "least": least.upper(),
        },
    )


def opening_window(cfg: ExperimentConfig, data: Data = SIGNAL) -> int:
    """The window the saliency opens on: the first test window of `cfg` on `data`."""
    y = make_signal(cfg)[1] if data.series is None else data.series[1]
    return split_index(len(y) - cfg.seq_length, cfg.train_fraction)


def first_input_note(frame: pd.DataFrame) -> Note | None:
    """What the saliency chart shows of each model, said from its numbers: how much the
    prediction depends on its first input against the input it uses most (one
    notation for all, as `reach_note`). None for an empty frame."""
    if frame.empty:
        return None
    shares = first_input_shares(frame)
    texts = share_texts(list(shares.values()))
    return Note(
        "saliency.reach",
        {
            "steps": int(frame.lag.max()),
            "shares": ", ".join(f"{m.upper()} {text}" for m, text in zip(shares, texts)),
        },
    )
