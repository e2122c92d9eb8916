"""The spread across seeds: one dot per seed and the median, per model, so a comparison
shows whether a difference is larger than the noise of one run (Compare tab; the Long
memory tab draws its own sweep the same way)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    CHART_MODELS,
    label_expr,
    label_fields,
    label_tip,
    labels,
    log_axis,
    model_color,
)
from playground.i18n import t


PLOT_HEIGHT = 260  # px of the plot itself (the legend below adds its own)
SCALE_PADDING_PX = 14  # the outermost dots stay whole inside the plot
N_TICKS = 5  # labelled values on the y axis, spread evenly (on the log scale) over the data
BAND_PADDING = 0.6  # of each model's column left empty: its dots sit close together


def spread_ticks(values: np.ndarray, n: int = N_TICKS) -> list[float]:
    """`n` values evenly spaced on a log scale from the smallest to the largest of the
    positive finite `values`, each rounded to two significant digits (a narrow range
    has no power of ten, and few of Vega's 1-9 steps, to label)."""
    v = values[np.isfinite(values) & (values > 0)]
    if not len(v):
        return []
    spaced = np.geomspace(v.min(), v.max(), n if v.max() > v.min() else 1)
    return sorted({float(f"{x:.2g}") for x in spaced})


def seed_spread_chart(metrics: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Test MSE per model: a dot per seed, side by side within the model's column (two
    seeds with close errors do not hide each other), and a tick at the median. Log
    scale over the data's own range (not widened to powers of ten, which squeezed the
    dots into a strip), the plot PLOT_HEIGHT tall."""
    test = metrics[metrics.split == "test"]
    order = [m for m in CHART_MODELS if m in set(test.model)]
    base = label_fields(alt.Chart(test), model=labels(lang, "model", CHART_MODELS)).encode(
        x=alt.X(
            "model:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelExpr=label_expr(labels(lang, "model", order)), labelAngle=0),
            scale=alt.Scale(paddingInner=BAND_PADDING, paddingOuter=BAND_PADDING / 2),
        ),
        color=model_color(lang, test),
    )
    y = alt.Y(
        "mse:Q",
        scale=alt.Scale(type="log", zero=False, nice=False, padding=SCALE_PADDING_PX),
        title=t(lang, "chart.title.test_mse_log"),
        axis=log_axis(values=spread_ticks(test.mse.to_numpy(dtype=float))),
    )
    dots = base.mark_circle(size=70, opacity=0.75).encode(
        y=y,
        xOffset=alt.XOffset("seed:N"),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            alt.Tooltip("seed:Q", title=t(lang, "chart.title.seed")),
            alt.Tooltip("mse:Q", format=".5f", title=t(lang, "chart.title.mse")),
        ],
    )
    median = base.mark_tick(thickness=3, size=44).encode(y=alt.Y("median(mse):Q"))
    return alt.layer(dots, median).properties(height=PLOT_HEIGHT, autosize=FIT_WIDTH)
