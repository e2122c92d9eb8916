"""The noise actually drawn in a run's points: the floor of its error.

A synthetic signal is a clean curve plus N(0, noise²) draws. No prediction of the clean
curve scores below the noise drawn in the points it is scored on (on average), and that
noise is a sample: over a test part of 18 points its mean square can sit well away from
noise². The page says the drawn value, not the nominal one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from playground.config import ExperimentConfig
from playground.i18n import t
from playground.pipeline.signals import make_signal
from playground.pipeline.windows import split_index

# Signals that are a noise-free curve plus the noise draws (the random walk's noise also
# drives its walk; real series have no noise setting).
ADDITIVE: frozenset[str] = frozenset(
    {"sine", "square", "sawtooth", "sum_of_sines", "damped_sine", "trend_season"}
)


@dataclass(frozen=True)
class DrawnNoise:
    """Mean square of the noise drawn in the training targets and in the test points."""

    train: float
    test: float
    n_test: int  # test points
    variance: float  # noise², what both estimate


def drawn_noise(cfg: ExperimentConfig) -> DrawnNoise | None:
    """The noise drawn in `cfg`'s series (None for a signal without additive noise, or
    no noise). Training targets are the points after the first window up to the first
    test point; the test points are the rest."""
    if cfg.signal not in ADDITIVE or cfg.noise <= 0.0:
        return None
    _, y = make_signal(cfg)
    _, clean = make_signal(replace(cfg, noise=0.0))
    noise = y - clean  # (n,)
    L = cfg.seq_length
    first = L + split_index(len(y) - L, cfg.train_fraction)
    train, test = noise[L:first], noise[first:]
    return DrawnNoise(float(np.mean(train**2)), float(np.mean(test**2)), len(test), cfg.noise**2)


def noise_text(cfg: ExperimentConfig, metrics: pd.DataFrame, lang: str) -> str:
    """The noise drawn in the points of `cfg`'s own signal, beside the run's errors
    (`metrics`), in `lang` ("" for a signal without noise): the floor no prediction
    beats, as drawn, not as nominal."""
    drawn = drawn_noise(cfg)
    if drawn is None:
        return ""
    mse = metrics.set_index("split").mse
    return t(
        lang,
        "noise.drawn",
        test=drawn.test,
        train=drawn.train,
        n_test=drawn.n_test,
        variance=drawn.variance,
        test_mse=mse["test"],
        train_mse=mse["train"],
    )
