"""run_experiment: the pipeline end to end, config in, tidy frames out.

config -> signal -> windows (train/test) -> scaled tensors -> model -> training
-> predictions -> frames. No step reaches back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
import torch

from .config import ExperimentConfig
from .frames import losses_frame, metrics_frame, predictions_frame
from .models import build_model
from .signals import make_signal
from .train import EpochCallback, train
from .windows import Scaler, make_windows, split_index


@dataclass(frozen=True)
class ExperimentResult:
    """Everything the page shows about one run. Frames only: no live model."""

    config: ExperimentConfig
    predictions: pd.DataFrame  # t, series, value, split
    losses: pd.DataFrame  # epoch, split, loss
    metrics: pd.DataFrame  # model, split, mse, mae, rmse
    diverged: bool  # training hit NaN/inf and stopped early
    stopped_epoch: int  # last epoch kept
    train_seconds: float  # wall time of the training loop


def run_experiment(
    cfg: ExperimentConfig, on_epoch: Optional[EpochCallback] = None
) -> ExperimentResult:
    """Train the model `cfg` describes on its signal and return tidy results.

    Deterministic: the same config gives the same numbers (seeded numpy and torch
    generators, no global RNG). `on_epoch(epoch, train_loss, test_loss)` is called
    after each epoch.
    """
    t, y = make_signal(cfg)  # (n,), (n,)
    X, Y = make_windows(y, cfg.seq_length)  # (N, L), (N,)
    n_train = split_index(len(Y), cfg.train_fraction)
    scaler = Scaler.fit(y[: cfg.seq_length + n_train])  # training points only
    Xs = torch.from_numpy(scaler.transform(X)).float()  # (N, L)
    Ys = torch.from_numpy(scaler.transform(Y)).float()  # (N,)

    generator = torch.Generator().manual_seed(cfg.seed)
    net = build_model(cfg.model, cfg.hidden_size, cfg.num_layers, generator)
    started = time.perf_counter()
    fit = train(
        net,
        Xs[:n_train], Ys[:n_train], Xs[n_train:], Ys[n_train:],
        epochs=cfg.epochs,
        learning_rate=cfg.learning_rate,
        loss_scale=scaler.half_range**2,
        on_epoch=on_epoch,
    )
    seconds = time.perf_counter() - started

    net.eval()
    with torch.no_grad():
        pred = scaler.inverse(net(Xs).double().numpy())  # (N,)
    if not np.all(np.isfinite(pred)):  # only if even the first weights blew up
        pred = np.where(np.isfinite(pred), pred, np.nan)
    predictions = predictions_frame(t, y, pred, cfg.seq_length, n_train)
    return ExperimentResult(
        config=cfg,
        predictions=predictions,
        losses=losses_frame(fit.train_loss, fit.test_loss),
        metrics=metrics_frame(predictions, cfg.model),
        diverged=fit.diverged,
        stopped_epoch=fit.stopped_epoch,
        train_seconds=seconds,
    )
