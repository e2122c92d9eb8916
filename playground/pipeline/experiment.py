"""run_experiment: the pipeline end to end, config in, tidy frames out.

config -> signal -> windows (train/test) -> scaled tensors -> model -> training
-> predictions -> frames. No step reaches back.

Snapshots (the replay of training): the prediction over every window at about
SNAPSHOTS epochs, from the untrained network to the last (every epoch for short runs,
geometrically spaced otherwise: dense early, where the fit changes fastest). Training
already runs each epoch's weights over all windows, so they cost no extra pass; the last
snapshot is the final prediction itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import torch

from playground.config import ExperimentConfig
from playground.i18n import Note
from playground.pipeline.frames import losses_frame, metrics_frame, predictions_frame
from playground.pipeline import models
from playground.pipeline.models import SequenceRegressor
from playground.pipeline.signals import make_signal
from playground.pipeline.threads import single_threaded
from playground.pipeline.train import EpochCallback, TrainResult, train
from playground.pipeline.windows import Scaler, make_windows, split_index


@dataclass(frozen=True, eq=False)
class Data:
    """What runs train on: the config's own signal (`series` None) or a given series,
    e.g. an upload. `key` names the series in cache keys (() for the signal)."""

    series: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)  # (t, y)
    key: tuple = ()  # e.g. ("upload", file digest, column, n values)


SIGNAL = Data()  # the config's own signal


@dataclass
class Fitted:
    """A trained network with the data it saw, for the views that look inside it.

    Cached results share it across sessions and threads, so it is read-only after
    `fit`: the network is in eval mode and users only run it forward (no_grad) or take
    `torch.autograd.grad` of its hidden states, which never writes `.grad`.
    """

    config: ExperimentConfig
    net: SequenceRegressor  # trained weights (the last finite ones if training diverged)
    scaler: Scaler  # fitted on training points; maps signal units <-> network units
    t: np.ndarray  # (n,) time of every point
    y: np.ndarray  # (n,) observed signal
    X: np.ndarray  # (N, L) windows, signal units
    Y: np.ndarray  # (N,) targets, signal units
    n_train: int  # the first n_train windows trained
    train_result: TrainResult  # per-epoch losses, divergence flag
    train_seconds: float  # wall time of the training loop

    @property
    def first_test(self) -> int:
        """Index in `y` of the first held-out point."""
        return self.config.seq_length + self.n_train


SNAPSHOTS = 60  # replay frames a run aims for (all epochs when it has fewer)


def empty_snapshots() -> pd.DataFrame:
    """A snapshots frame without rows (columns epoch, t, value)."""
    return pd.DataFrame(
        {
            "epoch": np.array([], dtype=np.int64),
            "t": np.array([], dtype=np.float64),
            "value": np.array([], dtype=np.float64),
        }
    )


@dataclass(frozen=True)
class ExperimentResult:
    """Everything the page shows about one run, and the fitted network behind it."""

    config: ExperimentConfig
    predictions: pd.DataFrame  # t, series, value, split
    losses: pd.DataFrame  # epoch, split, loss
    metrics: pd.DataFrame  # model, split, mse, mae, rmse
    diverged: bool  # training hit NaN/inf and stopped early
    stopped_epoch: int  # last epoch kept
    train_seconds: float  # wall time of the training loop
    fitted: Fitted = field(repr=False, compare=False)  # read-only: see Fitted
    # epoch, t, value: the one-step prediction over every window (signal units, the t of
    # the prediction rows) at each snapshot epoch, 0 (untrained) .. stopped_epoch; the
    # last is `predictions`' prediction values. Empty when run without snapshots.
    snapshots: pd.DataFrame = field(default_factory=empty_snapshots, repr=False, compare=False)


# run(cfg) -> the result of cfg: run_experiment, or a caller's cache of it.
Runner = Callable[[ExperimentConfig], ExperimentResult]


def snapshot_epochs(epochs: int, count: int = SNAPSHOTS) -> tuple[int, ...]:
    """The epochs 0..`epochs` to snapshot: all of them when that is at most `count`,
    else `count` of them: every epoch up to some k, then geometrically spaced to the last
    (k the smallest that leaves the geometric steps at least one epoch apart)."""
    if epochs + 1 <= count:
        return tuple(range(epochs + 1))
    for k in range(1, count - 1):  # k = count - 2 always works: one step, k -> epochs
        steps = count - 1 - k
        ratio = (epochs / k) ** (1.0 / steps)
        if k * (ratio - 1.0) >= 1.0:
            break
    spaced = np.rint(k * ratio ** np.arange(1, steps + 1)).astype(int).tolist()
    return (*range(k + 1), *spaced[:-1], epochs)


def initial_network(cfg: ExperimentConfig) -> SequenceRegressor:
    """The untrained network of `cfg` (models.init_model with its settings)."""
    return models.init_model(
        cfg.model, cfg.hidden_size, cfg.num_layers, cfg.seed, cfg.init_scale, cfg.keep_gate_bias
    )


@single_threaded
def fit(
    cfg: ExperimentConfig,
    on_epoch: EpochCallback | None = None,
    series: tuple[np.ndarray, np.ndarray] | None = None,
    snapshot_at: Collection[int] = (),
) -> Fitted:
    """Make the data for `cfg` (or use `series` = (t, y), e.g. an uploaded one), train
    the network and return it with everything needed to probe it. Deterministic.
    `snapshot_at`: epochs whose outputs training keeps (`train_result.snapshots`)."""
    t, y = make_signal(cfg) if series is None else series  # (n,), (n,)
    t, y = np.asarray(t, dtype=np.float64), np.asarray(y, dtype=np.float64)
    X, Y = make_windows(y, cfg.seq_length)  # (N, L), (N,)
    n_train = split_index(len(Y), cfg.train_fraction)
    scaler = Scaler.fit(y[: cfg.seq_length + n_train])  # training points only
    Xs = torch.from_numpy(scaler.transform(X)).float()  # (N, L)
    Ys = torch.from_numpy(scaler.transform(Y)).float()  # (N,)

    net = initial_network(cfg)
    started = time.perf_counter()
    result = train(
        net,
        Xs[:n_train],
        Ys[:n_train],
        Xs[n_train:],
        Ys[n_train:],
        epochs=cfg.epochs,
        learning_rate=cfg.learning_rate,
        loss_scale=scaler.half_range**2,
        on_epoch=on_epoch,
        clip_grad=cfg.clip_grad,
        snapshot_epochs=snapshot_at,
        optimizer=cfg.optimizer,
    )
    seconds = time.perf_counter() - started
    net.eval()
    net.zero_grad(set_to_none=True)  # the last step's gradients: not part of the result
    return Fitted(cfg, net, scaler, t, y, X, Y, n_train, result, seconds)


@single_threaded
def predict(fitted: Fitted, X: np.ndarray) -> np.ndarray:
    """One-step predictions (signal units) for windows X (N, L); NaN where not finite."""
    with torch.no_grad():
        xs = torch.from_numpy(fitted.scaler.transform(X)).float()  # (N, L)
        pred = fitted.scaler.inverse(fitted.net(xs).double().numpy())  # (N,)
    return np.where(np.isfinite(pred), pred, np.nan)


def snapshots_frame(fitted: Fitted, final: np.ndarray) -> pd.DataFrame:
    """Columns epoch, t, value: training's kept outputs in signal units (NaN where not
    finite, as `predict`), then `final` (the prediction shown) at the last kept epoch."""
    kept = fitted.train_result.snapshots  # epoch -> (N,) scaled, epochs < stopped_epoch
    epochs = [*sorted(kept), fitted.train_result.stopped_epoch]
    values = [fitted.scaler.inverse(kept[e].double().numpy()) for e in epochs[:-1]]
    values = np.stack([*values, final])  # (S, N); the scaled -> signal map of `predict`
    t = fitted.t[fitted.config.seq_length :]  # (N,) the t of the prediction rows
    return pd.DataFrame(
        {
            "epoch": np.repeat(np.asarray(epochs, dtype=np.int64), len(t)),
            "t": np.tile(t, len(epochs)),
            "value": np.where(np.isfinite(values), values, np.nan).ravel(),
        }
    )


def run_experiment(
    cfg: ExperimentConfig,
    on_epoch: EpochCallback | None = None,
    series: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    snapshots: bool = True,
) -> ExperimentResult:
    """Train the model `cfg` describes on its signal and return tidy results.

    Deterministic: the same config gives the same numbers (seeded numpy and torch
    generators, no global RNG). `on_epoch(epoch, train_loss, test_loss)` is called
    after each epoch. `series` = (t, y) replaces the config's signal (uploaded data).
    `snapshots=False` skips recording the replay (`result.snapshots` is then empty).
    """
    fitted = fit(cfg, on_epoch, series, snapshot_epochs(cfg.epochs) if snapshots else ())
    pred = predict(fitted, fitted.X)  # (N,) NaN only if even the first weights blew up
    replay = snapshots_frame(fitted, pred) if snapshots else empty_snapshots()
    fitted.train_result.snapshots = {}  # now in `replay`, in signal units
    predictions = predictions_frame(fitted.t, fitted.y, pred, cfg.seq_length, fitted.n_train)
    return ExperimentResult(
        config=cfg,
        predictions=predictions,
        losses=losses_frame(fitted.train_result.train_loss, fitted.train_result.test_loss),
        metrics=metrics_frame(predictions, cfg.model),
        diverged=fitted.train_result.diverged,
        stopped_epoch=fitted.train_result.stopped_epoch,
        train_seconds=fitted.train_seconds,
        fitted=fitted,
        snapshots=replay,
    )


def model_configs(cfg: ExperimentConfig, models: tuple[str, ...]) -> list[ExperimentConfig]:
    """The settings of each of `models` with every other setting of `cfg` kept (epochs
    lowered where the budget asks): the runs a view of several models shows."""
    return [replace(cfg, model=model).within_budget() for model in models]


def fitted_models(
    cfg: ExperimentConfig,
    models: tuple[str, ...],
    series: tuple[np.ndarray, np.ndarray] | None = None,
    run: Runner | None = None,
) -> dict[str, Fitted]:
    """The fitted network of each of `models`, every other setting of `cfg` kept (epochs
    lowered where the budget asks). `run(model_cfg)` gives a run's result (a caller's
    cache, which knows its data); without it each model is fitted now on `series`."""
    return {
        mcfg.model: fit(mcfg, series=series) if run is None else run(mcfg).fitted
        for mcfg in model_configs(cfg, models)
    }


def reported_run(
    cfg: ExperimentConfig,
    series: tuple[np.ndarray, np.ndarray] | None = None,
    report: Callable[[tuple[float, Note]], None] | None = None,
) -> ExperimentResult:
    """`run_experiment(cfg)` on `series` telling `report` (fraction done, Note) as soon
    as training starts and after each epoch."""
    report = report or (lambda progress: None)
    total = cfg.epochs
    report((0.0, Note("progress.started", {"model": cfg.model.upper(), "total": total})))

    def on_epoch(e: int, tr: float, te: float) -> None:
        report(
            (
                e / total,
                Note("progress.epoch", {"epoch": e, "total": total, "train": tr, "test": te}),
            )
        )

    return run_experiment(cfg, on_epoch, series=series)
