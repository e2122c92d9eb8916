"""Forecasts: one-step (fed the true history) and free-running (fed its own outputs),
for trained models and two baselines, over the test region and beyond the series end.

Every forecaster is a one-step predictor on windows, `(B, L) -> (B,)` in signal units;
free-running rolls any of them forward the same way, so models and baselines are
compared on equal terms:
  persistence  -- repeat the last value of the window;
  linear_ar    -- y_t = w · (y_{t-L} .. y_{t-1}) + b, least squares on the training windows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from playground.config import ExperimentConfig
from playground.i18n import Note
from playground.pipeline.experiment import Fitted, predict
from playground.pipeline.noise import ADDITIVE
from playground.pipeline.signals import make_signal
from playground.i18n import t

Predictor = Callable[[np.ndarray], np.ndarray]  # windows (B, L) -> next values (B,)
Report = Callable[[tuple[float, Note]], None]  # progress: (fraction done, Note)

BASELINES: tuple[str, ...] = ("persistence", "linear_ar")  # forecasters that are not networks
# Starting points of the horizon curves, evenly spaced over the test region. Each costs a
# rollout of the network per step: at the largest settings 188 starts took ~25 s a model.
MAX_ORIGINS = 32


def persistence(X: np.ndarray) -> np.ndarray:
    """Predict the last value of each window (B, L) -> (B,)."""
    return X[:, -1].copy()


def fit_linear_ar(X: np.ndarray, Y: np.ndarray) -> Predictor:
    """Least-squares linear autoregression with intercept on windows X (N, L) -> Y (N,)."""
    design = np.column_stack([X, np.ones(len(X))])  # (N, L+1)
    coef, *_ = np.linalg.lstsq(design, Y, rcond=None)  # (L+1,)
    return lambda W: W @ coef[:-1] + coef[-1]


def free_run(predictor: Predictor, start: np.ndarray, steps: int) -> np.ndarray:
    """Roll `predictor` forward `steps` times from windows start (B, L), feeding each
    output back as the newest input. Returns (B, steps); NaN once a value is not finite
    or leaves ±1e6 × the start's range."""
    window = np.array(start, dtype=np.float64)  # (B, L)
    limit = 1e6 * (np.ptp(window) + np.abs(window).max() + 1.0)
    out = np.full((len(window), steps), np.nan)
    for k in range(steps):
        nxt = np.asarray(predictor(window), dtype=np.float64)  # (B,)
        nxt = np.where(np.isfinite(nxt) & (np.abs(nxt) < limit), nxt, np.nan)
        out[:, k] = nxt
        window = np.column_stack([window[:, 1:], nxt])
    return out


@dataclass(frozen=True)
class Forecast:
    """Frames of the forecast view. Frames only: no live model."""

    config: ExperimentConfig
    paths: pd.DataFrame  # model, mode, t, value, region
    horizon: pd.DataFrame  # model, horizon, mse, rmse, n_origins, clean_mse, noise
    diverged: dict[str, bool]  # model -> training diverged (baselines never)


def _predictors(fits: dict[str, Fitted]) -> dict[str, Predictor]:
    ref = next(iter(fits.values()))
    preds: dict[str, Predictor] = {m: (lambda X, f=f: predict(f, X)) for m, f in fits.items()}
    preds["persistence"] = persistence
    preds["linear_ar"] = fit_linear_ar(ref.X[: ref.n_train], ref.Y[: ref.n_train])
    return preds


def clean_signal(cfg: ExperimentConfig) -> np.ndarray | None:
    """The noise-free curve under `cfg`'s own signal (n,), or None where there is none
    (a signal without additive noise, or no noise)."""
    if cfg.signal not in ADDITIVE or cfg.noise <= 0.0:
        return None
    return make_signal(replace(cfg, noise=0.0))[1]


def forecast_frames(
    fits: dict[str, Fitted],
    beyond: int | None = None,
    report: Report | None = None,
    clean: np.ndarray | None = None,
) -> Forecast:
    """Forecast frames for fitted models sharing one series (plus the baselines).

    paths: per model, mode "one_step" over the test region (each point predicted from
    the true previous window), and mode "free_running" from the end of training through
    the test region ("test") and `beyond` steps past the series end ("beyond"; default:
    as many steps as the test region has). The observed series comes as model "truth",
    mode "observed", region "train" | "test".
    horizon: free-running error against steps ahead h (see `horizon_errors`; `clean`,
    the noise-free curve under the series where there is one, adds the error against it).
    `report((fraction, Note))`, if given, hears when the work starts and after each
    rollout (two per forecaster: the path and the horizon starts).
    """
    ref = next(iter(fits.values()))
    t, y, L = ref.t, ref.y, ref.config.seq_length
    n, first = len(y), ref.first_test
    n_test = n - first
    beyond = n_test if beyond is None else int(beyond)
    dt = float(t[-1] - t[-2])
    t_all = np.concatenate([t, t[-1] + dt * np.arange(1, beyond + 1)])  # observed + beyond
    parts = [
        pd.DataFrame(
            {
                "model": "truth",
                "mode": "observed",
                "t": t,
                "value": y,
                "region": np.where(np.arange(n) < first, "train", "test"),
            }
        )
    ]
    horizons = []
    predictors = _predictors(fits)
    total = 2 * len(predictors)  # rollouts: one path and one set of horizon starts each

    def done(count: int) -> None:
        if report is not None:
            report((count / total, Note("progress.forecast", {"done": count, "total": total})))

    done(0)
    for i, (name, predictor) in enumerate(predictors.items()):
        one = predictor(ref.X[ref.n_train :])  # (n_test,) windows whose targets are test
        parts.append(
            pd.DataFrame(
                {"model": name, "mode": "one_step", "t": t[first:], "value": one, "region": "test"}
            )
        )
        path = free_run(predictor, y[first - L : first][None, :], n_test + beyond)[0]
        parts.append(
            pd.DataFrame(
                {
                    "model": name,
                    "mode": "free_running",
                    "t": t_all[first:],
                    "value": path,
                    "region": np.where(np.arange(first, n + beyond) < n, "test", "beyond"),
                }
            )
        )
        done(2 * i + 1)
        horizons.append(horizon_errors(predictor, y, first, L, name, clean))
        done(2 * i + 2)
    paths = pd.concat(parts, ignore_index=True)
    diverged = {m: f.train_result.diverged for m, f in fits.items()}
    return Forecast(ref.config, paths, pd.concat(horizons, ignore_index=True), diverged)


def horizon_origins(n: int, first: int) -> tuple[np.ndarray, int]:
    """Starting points (indices of the first value predicted) and the longest horizon H:
    H is half the test region, and every start o has a true value H steps on (o + H <= n),
    so each point of the curve averages the same starts (at most MAX_ORIGINS of them,
    evenly spaced). Otherwise long horizons average the last one to three starts only."""
    longest = max(1, (n - first) // 2)
    origins = np.arange(first, n - longest + 1)
    if len(origins) > MAX_ORIGINS:
        origins = origins[np.linspace(0, len(origins) - 1, MAX_ORIGINS).round().astype(int)]
    return origins, longest


def horizon_errors(
    predictor: Predictor,
    y: np.ndarray,
    first: int,
    seq_length: int,
    name: str,
    clean: np.ndarray | None = None,
) -> pd.DataFrame:
    """Columns model, horizon, mse, rmse, n_origins, clean_mse, noise: the free-running
    squared error h steps ahead (h = 1..H), averaged over the starts of `horizon_origins`
    in the test region (h = 1 is the one-step error at those starts). Starts whose rollout
    left the range (NaN) are left out of the mean. With `clean` (n,), the noise-free curve
    under `y`: clean_mse, the same error against it, and noise, the mean square of the
    noise drawn in the values scored h steps ahead (NaN without `clean`)."""
    origins, longest = horizon_origins(len(y), first)
    windows = np.stack([y[o - seq_length : o] for o in origins])  # (n_origins, L)
    rolls = free_run(predictor, windows, longest)  # (n_origins, H)
    ahead = np.stack([np.arange(o, o + longest) for o in origins])  # (n_origins, H) indices
    mse = mean_square(rolls - y[ahead])
    clean_mse = noise = np.full(longest, np.nan)
    if clean is not None:
        clean_mse = mean_square(rolls - clean[ahead])
        noise = np.mean((y[ahead] - clean[ahead]) ** 2, axis=0)
    return pd.DataFrame(
        {
            "model": name,
            "horizon": np.arange(1, longest + 1),
            "mse": mse,
            "rmse": np.sqrt(mse),
            "n_origins": len(origins),
            "clean_mse": clean_mse,
            "noise": noise,
        }
    )


def mean_square(diff: np.ndarray) -> np.ndarray:
    """Column means (H,) of diff² (n_origins, H), NaN rows left out (all NaN: NaN)."""
    err = diff**2
    with np.errstate(invalid="ignore"):
        return np.nanmean(err, axis=0) if np.isfinite(err).any() else np.full(err.shape[1], np.nan)


@dataclass(frozen=True)
class HorizonSummary:
    """What the horizon curves say, for the page's sentences under the chart."""

    mean: dict[str, float]  # forecaster -> mean free-running MSE over the horizons
    best: str  # the forecaster with the lowest mean (networks and baselines)
    longest: int  # the last horizon
    growth: dict[str, tuple[float, float]]  # network -> (MSE at h = 1, MSE at `longest`)
    n_origins: int  # starts each point of the curves averages
    clean: dict[str, tuple[float, float]]  # network -> the same against the noise-free curve
    noise: tuple[float, float]  # noise drawn in the values scored at h = 1 and `longest`


def horizon_summary(horizon: pd.DataFrame) -> HorizonSummary:
    """The mean error of each forecaster of `horizon` (forecast_frames' frame), the best
    one, and each network's error one step and `longest` steps ahead. Forecasters whose
    curve is all NaN (a diverged run) are left out of `best`."""
    mean = horizon.groupby("model", sort=False).mse.mean()
    longest = int(horizon.horizon.max())
    growth, clean = {}, {}
    for model, part in horizon.groupby("model", sort=False):
        by_h = part.set_index("horizon")
        noise = (float(by_h.noise[1]), float(by_h.noise[longest]))
        if model in BASELINES:
            continue
        growth[str(model)] = (float(by_h.mse[1]), float(by_h.mse[longest]))
        clean[str(model)] = (float(by_h.clean_mse[1]), float(by_h.clean_mse[longest]))
    finite = mean[np.isfinite(mean)]
    best = str(finite.idxmin()) if len(finite) else str(mean.index[0])
    means = {str(k): float(v) for k, v in mean.items()}
    n_origins = int(horizon.n_origins.iloc[0])
    return HorizonSummary(means, best, longest, growth, n_origins, clean, noise)


def horizon_lines(horizon: pd.DataFrame, lang: str) -> list[str]:
    """The horizon chart read for this run in `lang`: the forecaster with the lowest mean
    error, then how each network's error grows with the horizon, then, for each network
    whose error is lower at the last horizon than one step ahead (mistakes carried
    forward would make it grow), what the curve is made of: how few starts it averages,
    the noise drawn in the values it scores, and the error against the noise-free curve
    where there is one."""
    s = horizon_summary(horizon)
    label = lambda m: t(lang, f"chart.model.{m}")  # noqa: E731
    best = t(
        lang,
        "forecast.verdict.best",
        best=label(s.best),
        best_mse=s.mean[s.best],
        ar=s.mean["linear_ar"],
        persistence=s.mean["persistence"],
    )
    growth = [
        t(
            lang,
            "forecast.verdict.growth",
            model=label(model),
            horizon=s.longest,
            first=first,
            last=last,
            ratio=last / first if first > 0 else float("inf"),
        )
        for model, (first, last) in s.growth.items()
    ]
    falls = [m for m, (first, last) in s.growth.items() if last <= first]
    if not falls:
        return [best] + growth
    if np.isfinite(s.noise).all():
        clean = t(lang, "forecast.falls.sep").join(
            t(
                lang,
                "forecast.falls.clean_of",
                model=label(m),
                first=s.clean[m][0],
                last=s.clean[m][1],
            )
            for m in falls
        )
        why = t(
            lang,
            "forecast.falls.noise",
            n=s.n_origins,
            horizon=s.longest,
            noise_first=s.noise[0],
            noise_last=s.noise[1],
            clean=clean,
        )
    else:
        why = t(lang, "forecast.falls.few", n=s.n_origins, most=MAX_ORIGINS)
    models = t(lang, "forecast.falls.and").join(label(m) for m in falls)
    return [best] + growth + [t(lang, "forecast.falls", models=models, horizon=s.longest, why=why)]
