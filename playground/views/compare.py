"""compare_models: train several cell types on the same data, seed and settings, and
return the usual frames with a `model` column to overlay them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from playground.config import MODELS, ExperimentConfig
from playground.pipeline.experiment import ExperimentResult, run_experiment

# on_epoch(model, epoch, train_loss, test_loss): progress of the model being trained.
CompareCallback = Callable[[str, int, float, float], None]


@dataclass(frozen=True)
class Comparison:
    """Frames of several models trained on one config's data. Frames only."""

    config: ExperimentConfig
    models: tuple[str, ...]
    predictions: pd.DataFrame  # model ("truth" for the observed rows), t, series, value, split
    losses: pd.DataFrame  # model, epoch, split, loss
    metrics: pd.DataFrame  # model, split, mse, mae, rmse
    diverged: dict[str, bool]  # model -> training hit NaN/inf
    epochs: dict[str, int]  # model -> epochs it was allowed (the budget may lower them)


def compare_models(
    cfg: ExperimentConfig,
    models: tuple[str, ...] = MODELS,
    on_epoch: CompareCallback | None = None,
    series: tuple[np.ndarray, np.ndarray] | None = None,
    run: Callable[[ExperimentConfig], ExperimentResult] | None = None,
) -> Comparison:
    """Train each of `models` with every other setting of `cfg` unchanged (same signal,
    noise, seed, window, size, epochs), except that epochs are lowered where a costlier
    cell would exceed the compute budget (see `epochs`).

    `run(model_cfg)` trains one model; by default `run_experiment` on `series` with
    `on_epoch` progress. A caller with a result cache passes its own runner, so runs it
    already has (the model on screen) are not trained again."""
    preds, losses, metrics, diverged, epochs = [], [], [], {}, {}
    for i, model in enumerate(models):
        mcfg = replace(cfg, model=model).within_budget()
        if run is None:
            report = None
            if on_epoch is not None:
                report = lambda e, tr, te, m=model: on_epoch(m, e, tr, te)
            res = run_experiment(mcfg, report, series=series)
        else:
            res = run(mcfg)
        p = res.predictions
        if i == 0:  # the observed series once, as model "truth"
            preds.append(p[p.series == "truth"].assign(model="truth"))
        preds.append(p[p.series == "prediction"].assign(model=model))
        losses.append(res.losses.assign(model=model))
        metrics.append(res.metrics)
        diverged[model] = res.diverged
        epochs[model] = mcfg.epochs
    predictions = pd.concat(preds, ignore_index=True)[["model", "t", "series", "value", "split"]]
    losses_all = pd.concat(losses, ignore_index=True)[["model", "epoch", "split", "loss"]]
    return Comparison(
        cfg,
        tuple(models),
        predictions,
        losses_all,
        pd.concat(metrics, ignore_index=True),
        diverged,
        epochs,
    )
