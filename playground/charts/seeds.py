"""The spread across seeds: one dot per seed and the median, per model, so a comparison
shows whether a difference is larger than the noise of one run (Compare tab; the Long
memory tab draws its own sweep the same way)."""

from __future__ import annotations

import math

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
    log_ticks,
    model_color,
)
from playground.i18n import t


PLOT_HEIGHT = 260  # px of the plot itself (the legend below adds its own)
SCALE_PADDING_PX = 14  # the outermost dots stay whole inside the plot
BAND_PADDING = 0.6  # of each model's column left empty: its dots sit close together


def spread_domain(values: np.ndarray) -> list[float] | None:
    """The y domain: the data's own range (not widened to powers of ten, which squeezed
    the dots into a strip), widened to the nearest leading digits (0.011..0.014 ->
    0.01..0.02) only when the range holds fewer than two of the axis's marks."""
    v = values[np.isfinite(values) & (values > 0)]
    if not len(v) or len(log_ticks(v, nice=False)) >= 2:
        return None
    low, high = float(v.min()), float(v.max())
    e_low, e_high = math.floor(math.log10(low)), math.floor(math.log10(high))
    below = math.floor(low / 10.0**e_low) * 10.0**e_low
    above = math.ceil(high / 10.0**e_high) * 10.0**e_high
    if above <= below * (1 + 1e-9):
        above = (math.floor(high / 10.0**e_high) + 1) * 10.0**e_high
    return [float(f"{below:.1g}"), float(f"{above:.1g}")]


def seed_spread_chart(metrics: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Test MSE per model: a dot per seed, side by side within the model's column (two
    seeds with close errors do not hide each other), and a tick at the median. Log
    scale over `spread_domain`, labelled at 1-2-5 (or leading digits, or decades), the
    plot PLOT_HEIGHT tall."""
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
    mse = test.mse.to_numpy(dtype=float)
    domain = spread_domain(mse)
    shown = {} if domain is None else {"domain": domain}
    y = alt.Y(
        "mse:Q",
        scale=alt.Scale(type="log", zero=False, nice=False, padding=SCALE_PADDING_PX, **shown),
        title=t(lang, "chart.title.test_mse_log"),
        axis=log_axis(mse if domain is None else domain, nice=False),
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
