"""The spread across seeds: one dot per seed and the median, per model, so a comparison
shows whether a difference is larger than the noise of one run (Compare tab; the Long
memory tab draws its own sweep the same way)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    MODELS,
    label_expr,
    label_fields,
    label_tip,
    labels,
    model_color,
)
from playground.i18n import t


def seed_spread_chart(metrics: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Test MSE per model: a dot per seed and a tick at the median (log scale)."""
    test = metrics[metrics.split == "test"]
    order = [m for m in MODELS if m in set(test.model)]
    base = label_fields(alt.Chart(test), model=labels(lang, "model", MODELS)).encode(
        x=alt.X(
            "model:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelExpr=label_expr(labels(lang, "model", order)), labelAngle=0),
        ),
        color=model_color(lang, test),
    )
    y = alt.Y(
        "mse:Q",
        scale=alt.Scale(type="log", zero=False),
        title=t(lang, "chart.title.test_mse_log"),
        axis=alt.Axis(format="~e"),
    )
    dots = base.mark_circle(size=70, opacity=0.75).encode(
        y=y,
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            alt.Tooltip("seed:Q", title=t(lang, "chart.title.seed")),
            alt.Tooltip("mse:Q", format=".5f", title=t(lang, "chart.title.mse")),
        ],
    )
    median = base.mark_tick(thickness=3, size=36).encode(y=alt.Y("median(mse):Q"))
    return alt.layer(dots, median).properties(height=240)
