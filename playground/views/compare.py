"""compare_models: several cell types on the same data and settings, over several seeds,
so a difference can be told from seed noise. Frames carry `model` and `seed` columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from playground.config import MODELS, ExperimentConfig
from playground.i18n import Note
from playground.pipeline.experiment import ExperimentResult, run_experiment
from playground.pipeline.health import run_health

# on_epoch(model, epoch, train_loss, test_loss): progress of the model being trained.
CompareCallback = Callable[[str, int, float, float], None]

PAGE_SEEDS = 3  # seeds the Compare tab trains per model: the page's seed and the next ones


@dataclass(frozen=True)
class Comparison:
    """Frames of several models trained on one config's data, per seed. Frames only."""

    config: ExperimentConfig
    models: tuple[str, ...]
    seeds: tuple[int, ...]
    epochs: int  # every model and seed trains this many (the costliest cell's budget)
    predictions: pd.DataFrame  # model ("truth": the observed rows), seed, t, series, value, split
    losses: pd.DataFrame  # model, seed, epoch, split, loss
    metrics: pd.DataFrame  # model, seed, split, mse, mae, rmse
    diverged: dict[str, bool]  # model -> training hit NaN/inf for some seed
    # (model, seed, reason) of each run that failed (playground.pipeline.health): reason
    # "diverged" | "stalled" | "worse" (no better than guessing on the test part)
    failed: tuple[tuple[str, int, str], ...] = ()


def seeds_after(seed: int, n: int = PAGE_SEEDS) -> tuple[int, ...]:
    """`n` seeds starting at `seed` (wrapping within the seed bounds 0..9999)."""
    return tuple((seed + i) % 10_000 for i in range(n))


def common_epochs(cfg: ExperimentConfig, models: tuple[str, ...]) -> int:
    """The epochs every model of a comparison trains: cfg.epochs, lowered to the budget of
    the costliest cell, so no model gets fewer updates than another."""
    return min(cfg.epochs, *(replace(cfg, model=m).max_epochs() for m in models))


def compare_configs(
    cfg: ExperimentConfig, models: tuple[str, ...], seeds: tuple[int, ...]
) -> list[ExperimentConfig]:
    """The runs of a comparison, in the order `compare_models` takes them: per seed, each
    model, all for `common_epochs`."""
    epochs = common_epochs(cfg, models)
    return [replace(cfg, model=m, seed=s, epochs=epochs) for s in seeds for m in models]


def compare_models(
    cfg: ExperimentConfig,
    models: tuple[str, ...] = MODELS,
    seeds: tuple[int, ...] | None = None,
    on_epoch: CompareCallback | None = None,
    series: tuple[np.ndarray, np.ndarray] | None = None,
    run: Callable[[ExperimentConfig], ExperimentResult] | None = None,
) -> Comparison:
    """Train each of `models` on each of `seeds` (default: cfg.seed alone) with every
    other setting of `cfg` unchanged, all for `common_epochs`. A seed seeds the noise of
    the signal and the initial weights, as on the Train tab: the run of (model, seed) is
    the Train tab's run of those settings, bit for bit.

    `run(model_cfg)` trains one run; by default `run_experiment` on `series` with
    `on_epoch` progress. A caller with a result cache passes its own runner, so runs it
    already has (the one on screen) are not trained again."""
    seeds = (cfg.seed,) if seeds is None else tuple(seeds)
    epochs = common_epochs(cfg, models)
    preds, losses, metrics, diverged = [], [], [], dict.fromkeys(models, False)
    failed = []
    for mcfg in compare_configs(cfg, models, seeds):
        seed, model = mcfg.seed, mcfg.model
        if run is None:
            report = None
            if on_epoch is not None:
                report = lambda e, tr, te, m=model: on_epoch(m, e, tr, te)
            res = run_experiment(mcfg, report, series=series)
        else:
            res = run(mcfg)
        p = res.predictions.assign(seed=seed)
        if model == models[0]:  # the observed series once per seed (its noise is the seed's)
            preds.append(p[p.series == "truth"].assign(model="truth"))
        preds.append(p[p.series == "prediction"].assign(model=model))
        losses.append(res.losses.assign(model=model, seed=seed))
        metrics.append(res.metrics.assign(seed=seed))
        diverged[model] = diverged[model] or res.diverged
        note = run_health(res).note()
        if note is not None:
            failed.append((model, seed, note.key.removeprefix("health.")))
    return Comparison(
        cfg,
        tuple(models),
        seeds,
        epochs,
        pd.concat(preds, ignore_index=True)[["model", "seed", "t", "series", "value", "split"]],
        pd.concat(losses, ignore_index=True)[["model", "seed", "epoch", "split", "loss"]],
        pd.concat(metrics, ignore_index=True)[["model", "seed", "split", "mse", "mae", "rmse"]],
        diverged,
        tuple(failed),
    )


def of_seed(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The rows of one seed of a comparison's frame (what the page overlays)."""
    return frame[frame.seed == seed]


def seed_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Test MSE as a table: one row per seed, one column per model."""
    test = metrics[metrics.split == "test"]
    return test.pivot(index="seed", columns="model", values="mse")


def failed_notes(comparison: Comparison) -> list[Note]:
    """One sentence per failed run of `comparison` (what the verdict's counts include)."""
    return [
        Note(f"compare.failed.{reason}", {"model": model.upper(), "seed": seed})
        for model, seed, reason in comparison.failed
    ]


def verdict(metrics: pd.DataFrame) -> Note | None:
    """What the seeds say, as a Note: the model with the lowest median test error and in
    how many seeds it had the lowest error of all; "clearly better" only when it won in
    every seed, or in all but one of five or more. None for a single model."""
    table = seed_table(metrics)
    if table.shape[1] < 2:
        return None
    best = str(table.median().idxmin())
    wins = int((table[best] <= table.min(axis=1)).sum())
    n = len(table)
    clear = n >= 2 and (wins == n or (n >= 5 and wins >= n - 1))
    key = "compare.verdict.better" if clear else "compare.verdict.none"
    return Note(key, {"model": best.upper(), "wins": wins, "n": n})
