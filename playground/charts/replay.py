"""The replay of training: a self-contained HTML page (inline SVG and plain JS, no network)
that animates the prediction line through `ExperimentResult.snapshots` in the browser.

The page embeds it in an iframe (`st.iframe`): playing, pausing and scrubbing run in the
browser, with no server rerun per frame. What it draws mirrors the Train charts: the
observed points (grey), the prediction of the epoch on display (red), the test region
shaded, and beside it the loss per epoch (log scale) with a marker at that epoch. Labels
come in the reader's language. Pure: the same result and language give the same string.
"""

from __future__ import annotations

from pathlib import Path

import json
import math
from typing import Any

import numpy as np

from playground.charts.labels import PLAIN_LOG_RANGE, SERIES, SPLIT_COLORS, SPLITS, labels
from playground.i18n import t
from playground.pipeline.experiment import ExperimentResult

FPS = 15  # frames a second while playing (60 snapshots: 4 s)
MAX_POINTS = 600  # points per drawn series (the panel is ~630 units wide); thinned evenly
SIGNIFICANT = 4  # digits kept of the span of the data (a 270-unit-tall panel: << a pixel)


def _decimals(values: np.ndarray) -> int:
    """Decimals that keep SIGNIFICANT digits of the span of finite `values`."""
    finite = values[np.isfinite(values)]
    span = float(np.ptp(finite)) if finite.size else 0.0
    if span <= 0.0:
        span = float(np.max(np.abs(finite))) if finite.size else 1.0
    span = span or 1.0
    return max(0, min(12, SIGNIFICANT - 1 - math.floor(math.log10(span))))


def _thin(n: int) -> np.ndarray:
    """Indices of at most about MAX_POINTS of n points, evenly spaced, the last kept."""
    step = -(-n // MAX_POINTS)  # ceil
    return np.unique(np.r_[np.arange(0, n, step), n - 1])


def _numbers(values: np.ndarray, decimals: int) -> list[float | None]:
    """`values` rounded for JSON; NaN and inf become null (a gap in the line)."""
    values = np.asarray(values, dtype=np.float64)
    rounded = np.round(values, decimals)
    return [v if math.isfinite(v) else None for v in rounded.tolist()]


def _sig(values: np.ndarray) -> list[float | None]:
    """Positive `values` (losses) to SIGNIFICANT digits, each on its own scale."""
    return [float(f"{v:.{SIGNIFICANT}g}") if math.isfinite(v) else None for v in values]


def replay_data(result: ExperimentResult, lang: str = "en") -> dict[str, Any]:
    """What the player draws, as JSON-ready values: the observed series, one frame per
    snapshot (epoch, prediction), the test region, the losses and the labels in `lang`."""
    p = result.predictions
    truth = p[p.series == "truth"]
    pred = p[p.series == "prediction"]
    snaps = result.snapshots.sort_values("epoch", kind="stable")  # t order kept per epoch
    if len(snaps) == 0:  # run without snapshots: the final prediction is the only frame
        epochs = np.array([result.stopped_epoch])
        grid = pred.value.to_numpy()[None, :]
    else:
        epochs = np.unique(snaps.epoch.to_numpy())
        grid = snaps.value.to_numpy().reshape(len(epochs), -1)  # (S, N), epoch-major
    # Thin long series evenly, always keeping the last point.
    t_all, y_all, t_pred = truth.t.to_numpy(), truth.value.to_numpy(), pred.t.to_numpy()
    keep_truth, keep_pred = _thin(len(t_all)), _thin(len(t_pred))
    decimals = _decimals(np.r_[y_all, grid[-1]])
    t_decimals = _decimals(t_all)
    test = truth[truth.split == "test"]
    losses = result.losses
    train_loss = losses[losses.split == "train"].sort_values("epoch")
    test_loss = losses[losses.split == "test"].sort_values("epoch")
    series, splits = labels(lang, "series", SERIES), labels(lang, "split", SPLITS)
    return {
        "t": _numbers(t_all[keep_truth], t_decimals),
        "y": _numbers(y_all[keep_truth], decimals),
        "pt": _numbers(t_pred[keep_pred], t_decimals),
        "epochs": epochs.astype(int).tolist(),
        "frames": [_numbers(row[keep_pred], decimals) for row in grid],
        "test": [float(test.t.min()), float(test.t.max())] if len(test) else None,
        "loss": {
            "epoch": train_loss.epoch.astype(int).tolist(),
            "train": _sig(train_loss.loss.to_numpy()),
            "test": _sig(test_loss.loss.to_numpy()),
        },
        "fps": FPS,
        "colors": SPLIT_COLORS,  # the loss lines as in the Train tab's loss chart
        "plain": [math.log10(v) for v in PLAIN_LOG_RANGE],  # log axis: plain labels
        "labels": {
            "play": t(lang, "replay.play"),
            "pause": t(lang, "replay.pause"),
            "epoch": t(lang, "replay.epoch", epoch="{epoch}"),  # filled in by the player
            "scrubber": t(lang, "replay.scrubber"),
            "truth": series["truth"],
            "prediction": series["prediction"],
            "test_region": t(lang, "chart.region.test"),
            "train": splits["train"],
            "test": splits["test"],
            "loss": t(lang, "chart.title.mse_log"),
            "axis_t": t(lang, "chart.title.t"),
            "axis_epoch": t(lang, "chart.title.epoch"),
            "chart": t(lang, "replay.chart"),
        },
    }


# The player page: plain HTML, CSS and JS, filled in by `replay_html` (__LANG__, __PLAY__,
# __SCRUBBER__, __DATA__).
TEMPLATE = (Path(__file__).parent / "replay.html").read_text(encoding="utf-8")


def replay_html(result: ExperimentResult, lang: str = "en") -> str:
    """The player as one HTML document: data inline as JSON, no external resources."""
    data = json.dumps(replay_data(result, lang), ensure_ascii=False, allow_nan=False)
    data = data.replace("<", "\\u003c")  # nothing in the data can close the <script>
    return (
        TEMPLATE.replace("__LANG__", "zh-Hans" if lang == "zh" else "en")
        .replace("__PLAY__", _attr(t(lang, "replay.play")))
        .replace("__SCRUBBER__", _attr(t(lang, "replay.scrubber")))
        .replace("__DATA__", data)
    )


def _attr(text: str) -> str:
    """`text` safe inside a double-quoted HTML attribute or as element text."""
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
