"""The Forecast view's charts: forecast paths and error against the horizon."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    MODELS,
    TIME_SCALE,
    label_fields,
    label_tip,
    labels,
    legend,
    model_color,
)
from playground.i18n import t


MODES = ("observed", "free_running", "one_step")  # forecast paths: truth, then forecasts
REGIONS = ("train", "test", "beyond")  # where a forecast point lies


def forecast_chart(paths: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Observed series (grey points) with one-step (dashed) and free-running (solid)
    forecasts per model, including past the series end."""
    modes = labels(lang, "mode", MODES)
    base = label_fields(
        alt.Chart(paths),
        model=labels(lang, "model", MODELS),
        mode=modes,
        region=labels(lang, "region", REGIONS),
    ).encode(
        x=alt.X("t:Q", title=t(lang, "chart.title.t"), scale=TIME_SCALE),
        y=alt.Y("value:Q", title=t(lang, "chart.title.value")),
        color=model_color(lang, paths),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            label_tip("mode", t(lang, "chart.title.mode")),
            label_tip("region", t(lang, "chart.title.region")),
            alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
            alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
        ],
    )
    truth = base.transform_filter(alt.datum.mode == "observed").mark_circle(size=20, opacity=0.6)
    forecasts = (
        base.transform_filter(alt.datum.mode != "observed")
        .mark_line()
        .encode(
            strokeDash=alt.StrokeDash(
                "mode:N",
                sort=["free_running", "one_step"],
                title=t(lang, "chart.title.mode"),
                legend=legend(modes),
            ),
            detail="mode:N",
        )
    )
    return alt.layer(truth, forecasts).properties(height=320)


def horizon_chart(horizon: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Free-running MSE against steps ahead, one line per model or baseline."""
    return (
        label_fields(alt.Chart(horizon), model=labels(lang, "model", MODELS))
        .mark_line(point=True)
        .encode(
            x=alt.X("horizon:Q", title=t(lang, "chart.title.steps_ahead")),
            y=alt.Y("mse:Q", title=t(lang, "chart.title.mse")),
            color=model_color(lang, horizon),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                alt.Tooltip("horizon:Q", title=t(lang, "chart.title.steps_ahead")),
                alt.Tooltip("mse:Q", format=".5f", title=t(lang, "chart.title.mse")),
                alt.Tooltip("n_origins:Q", title=t(lang, "chart.title.n_origins")),
            ],
        )
        .properties(height=260)
    )
