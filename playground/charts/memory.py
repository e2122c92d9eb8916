"""The Long memory view's chart: recall error against the lag."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    CHART_MODELS,
    label_fields,
    label_tip,
    labels,
    model_color,
    step_axis,
)
from playground.i18n import t


def memory_chart(sweep: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Test error relative to guessing against lag: seeds as points, median as line."""
    y_title = t(lang, "chart.title.relative_mse_axis")
    base = label_fields(alt.Chart(sweep), model=labels(lang, "model", CHART_MODELS)).encode(
        x=alt.X("lag:Q", title=t(lang, "chart.title.lag_axis"), axis=step_axis()),
        color=model_color(lang, sweep),
    )
    points = base.mark_circle(size=40, opacity=0.5).encode(
        y=alt.Y("relative_mse:Q", title=y_title),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            alt.Tooltip("lag:Q", title=t(lang, "chart.title.lag")),
            alt.Tooltip("seed:Q", title=t(lang, "chart.title.seed")),
            alt.Tooltip("test_mse:Q", format=".4f", title=t(lang, "chart.title.test_mse")),
            alt.Tooltip("relative_mse:Q", format=".3f", title=t(lang, "chart.title.relative_mse")),
        ],
    )
    median = base.mark_line().encode(y=alt.Y("median(relative_mse):Q", title=y_title))
    return alt.layer(points, median).properties(height=280, autosize=FIT_WIDTH)
