"""Long memory: a delayed-recall task and a sweep of test error against the lag.

Each example is a sequence of `lag + 1` values drawn uniformly from [-1, 1]; the target
is the first of them. The network must carry one number across `lag` later inputs that
say nothing about it, the situation where a vanilla RNN's gradient vanishes
(‖∂L/∂h_t‖ shrinks geometrically going back in time) while gated cells can keep a unit
open. Guessing 0 scores an MSE of 1/3 (the variance), so `relative_mse` = test_mse · 3:
0 is perfect recall, about 1 is no memory at all.

Gated cells start with their "keep" gate (LSTM forget gate, GRU update gate) biased open;
the vanilla RNN has no such gate. A keep gate at σ(b) lets a stored value decay like σ(b)^t:
a memory time of about 1 / (1 − σ(b)) = 1 + e^b steps. The common +1 (Jozefowicz et al.
2015) gives about 4 steps, too short for these lags: at lag 30 the LSTM's output then
barely depends on the first input at init (median 7e-3 of its dependence on the last), and
after 150 epochs 3 of 5 seeds still sat on the "guess 0" plateau (relative error ≈ 1).
Chrono initialization (Tallec & Ollivier 2018) sets the bias from the length T of the
dependencies, b_f ≈ log T (drawn per unit as log U(1, T_max − 1), input gate −b_f); we keep
one constant bias and set it by that rule: b = 4 ≈ log 55, above MAX_LAG. (The per-unit
draw with its closed input gate ended with more error on this task.)

What an answer depends on: each run also keeps |∂ŷ/∂x_{t−k}| averaged over its test
sequences, before and after training (`memory_runs`). The answer should be the cue, the
input at k = lag, so a perfect recaller has 1 there and 0 elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from playground.config import MODELS
from playground.i18n import Note
from playground.pipeline.models import SequenceRegressor, init_model
from playground.pipeline.threads import single_threaded
from playground.pipeline.train import train
from playground.charts.labels import STAGES
from playground.views.saliency import by_lag, input_saliency

VARIANCE = 1.0 / 3.0  # variance of U(-1, 1): the MSE of always answering 0
MAX_LAG = 40  # longest lag the view offers; keep gates start open for longer than this
DEFAULT_LAG = 30  # the longest lag the view opens on
PAGE_SEEDS = (0, 1, 2)  # the seeds the view's sweep trains: its claims are counted over these

# on_run(model, lag, seed, test_mse): called after each training of the sweep.
RunCallback = Callable[[str, int, int, float], None]


@dataclass(frozen=True)
class MemoryConfig:
    """Settings of the lag sweep. Small by default: the whole sweep is a few trainings
    of a 16-unit network on 1024 sequences."""

    lags: tuple[int, ...] = (5, 10, 20, 30)  # steps between the value and its recall
    models: tuple[str, ...] = MODELS
    seeds: tuple[int, ...] = (0, 1, 2)
    hidden_size: int = 16
    n_train: int = 1024  # training sequences (fewer: gated cells overfit)
    n_test: int = 256  # held-out sequences
    epochs: int = 150  # full-batch Adam steps
    learning_rate: float = 0.01
    keep_gate_bias: float = 4.0  # added to the LSTM forget / GRU update gate bias at init


def page_memory_config(max_lag: int, keep_gate_bias: float) -> MemoryConfig:
    """The sweep the Long memory tab runs up to `max_lag`, with the sidebar's keep-gate
    bias: four lags (5, a third, two thirds, the longest), PAGE_SEEDS."""
    lags = tuple(sorted({5, max(5, max_lag // 3), max(5, 2 * max_lag // 3), max_lag}))
    return MemoryConfig(lags=lags, seeds=PAGE_SEEDS, keep_gate_bias=keep_gate_bias)


def make_recall_data(lag: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n sequences (n, lag+1) of U(-1, 1) values and their targets (n,) = first value."""
    if lag < 1:
        raise ValueError(f"lag must be at least 1, got {lag}")
    x = rng.uniform(-1.0, 1.0, size=(n, lag + 1))
    return x, x[:, 0].copy()


def build_recall_model(model: str, mc: MemoryConfig, seed: int) -> SequenceRegressor:
    """The seeded network for one run, keep gate biased open for LSTM/GRU."""
    return init_model(model, mc.hidden_size, 1, seed, keep_gate_bias=mc.keep_gate_bias)


@dataclass(frozen=True)
class RecallRun:
    """One training on the recall task: its test error and what its answers depend on."""

    test_mse: float  # NaN if training diverged at its first step
    # stage ("init" | "trained") -> (lag + 1,) mean over the test sequences of
    # |∂ŷ/∂x_{t−k}|, k = 0 (the last input) .. lag (the cue, the value to recall), with
    # the initial and the trained weights. A perfect recaller (ŷ = cue) has 1 at k = lag
    # and 0 elsewhere.
    saliency: dict[str, np.ndarray] = field(repr=False)


@single_threaded
def recall_run(model: str, lag: int, seed: int, mc: MemoryConfig = MemoryConfig()) -> RecallRun:
    """`model` trained on delayed recall at `lag` (seeded data and weights): its test
    MSE and the saliency of its test answers per lag."""
    rng = np.random.default_rng([seed, lag])
    x, y = make_recall_data(lag, mc.n_train + mc.n_test, rng)
    X, Y = torch.from_numpy(x).float(), torch.from_numpy(y).float()  # (n, lag+1), (n,)
    net = build_recall_model(model, mc, seed)
    saliency = {"init": by_lag(input_saliency(net, X[mc.n_train :]).mean(axis=0))}
    result = train(
        net,
        X[: mc.n_train],
        Y[: mc.n_train],
        X[mc.n_train :],
        Y[mc.n_train :],
        epochs=mc.epochs,
        learning_rate=mc.learning_rate,
    )
    net.eval()
    mse = result.test_loss[-1] if result.test_loss else float("nan")
    saliency["trained"] = by_lag(input_saliency(net, X[mc.n_train :]).mean(axis=0))
    return RecallRun(mse, saliency)


SWEEP_COLUMNS = ["model", "lag", "seed", "test_mse", "relative_mse"]
# saliency frame: task_lag is the recall task's lag (the sweep's `lag`); stage the weights
# ("init" | "trained"); lag is k, the steps back from the answer of the input
# differentiated; cue marks k == task_lag.
SALIENCY_COLUMNS = ["model", "task_lag", "seed", "stage", "lag", "saliency", "cue"]


@dataclass(frozen=True)
class MemoryRuns:
    """The sweep and, for every training in it, what its answers depend on."""

    sweep: pd.DataFrame  # SWEEP_COLUMNS: one row per training
    saliency: pd.DataFrame  # SALIENCY_COLUMNS: per training, one row per input step


def memory_runs(
    mc: MemoryConfig = MemoryConfig(),
    on_run: RunCallback | None = None,
    run: Callable[[str, int, int, MemoryConfig], RecallRun] | None = None,
) -> MemoryRuns:
    """Train every model at every lag and seed of `mc`: the errors (`memory_sweep`'s
    frame) and the saliency of each run's test answers per input step. `run(model, lag,
    seed, mc)` trains one (default `recall_run`; a caller with a cache passes its own:
    a run depends on `mc`'s training settings, not on its lists of lags, models, seeds)."""
    run = recall_run if run is None else run
    rows, parts = [], []
    for lag in mc.lags:
        for model in mc.models:
            for seed in mc.seeds:
                one = run(model, lag, seed, mc)
                mse = one.test_mse
                rows.append(
                    {
                        "model": model,
                        "lag": lag,
                        "seed": seed,
                        "test_mse": mse,
                        "relative_mse": mse / VARIANCE,
                    }
                )
                ks = np.arange(lag + 1)
                parts.extend(
                    pd.DataFrame(
                        {
                            "model": model,
                            "task_lag": lag,
                            "seed": seed,
                            "stage": stage,
                            "lag": ks,
                            "saliency": one.saliency[stage],
                            "cue": ks == lag,
                        }
                    )
                    for stage in STAGES
                )
                if on_run is not None:
                    on_run(model, lag, seed, mse)
    sweep = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    saliency = (
        pd.concat(parts, ignore_index=True)[SALIENCY_COLUMNS]
        if parts
        else pd.DataFrame(columns=SALIENCY_COLUMNS)
    )
    return MemoryRuns(sweep, saliency)


def memory_sweep(
    mc: MemoryConfig = MemoryConfig(), on_run: RunCallback | None = None
) -> pd.DataFrame:
    """Columns model, lag, seed, test_mse, relative_mse: one row per training."""
    return memory_runs(mc, on_run).sweep


def cue_saliency(
    saliency: pd.DataFrame,
    stage: str = "trained",
    task_lag: int | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """Per seed (rows) and model (columns): the saliency at `stage` of the answer on the
    input k steps back (default the cue) at `task_lag` (default the longest in
    `saliency`)."""
    lag = int(saliency.task_lag.max()) if task_lag is None else task_lag
    at = saliency[(saliency.task_lag == lag) & (saliency.stage == stage)]
    at = at[at.cue] if k is None else at[at.lag == k]
    return at.pivot(index="seed", columns="model", values="saliency")


def memory_verdicts(sweep: pd.DataFrame) -> list[Note]:
    """What the seeds say at the longest lag of `sweep`: for each gated cell, in how many
    seeds it recalled better than the RNN (lower relative error), with both medians."""
    lag = int(sweep.lag.max())
    at = sweep[sweep.lag == lag].pivot(index="seed", columns="model", values="relative_mse")
    if "rnn" not in at:
        return []
    notes = []
    for model in (m for m in at.columns if m != "rnn"):
        wins = int((at[model] < at["rnn"]).sum())
        notes.append(
            Note(
                "memory.verdict",
                {
                    "lag": lag,
                    "model": model.upper(),
                    "wins": wins,
                    "n": len(at),
                    "gated": float(at[model].median()),
                    "rnn": float(at["rnn"].median()),
                },
            )
        )
    return notes


def saliency_verdicts(saliency: pd.DataFrame) -> list[Note]:
    """What the seeds say about the cue at the longest lag of `saliency` (memory_runs'
    frame): for each gated cell, in how many seeds its trained answer depends more on the
    cue than the RNN's, with both medians."""
    at = cue_saliency(saliency)
    if "rnn" not in at:
        return []
    lag = int(saliency.task_lag.max())
    return [
        Note(
            "memory.saliency.verdict",
            {
                "lag": lag,
                "model": model.upper(),
                "wins": int((at[model] > at["rnn"]).sum()),
                "n": len(at),
                "gated": float(at[model].median()),
                "rnn": float(at["rnn"].median()),
            },
        )
        for model in (m for m in at.columns if m != "rnn")
    ]
