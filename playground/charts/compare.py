"""The Compare view's charts: each model's prediction and loss."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    MODELS,
    SPLITS,
    TIME_SCALE,
    label_fields,
    label_tip,
    labels,
    legend,
    model_color,
)
from playground.i18n import t


def compare_chart(predictions: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Observed points (grey) and each model's prediction (one line per model)."""
    base = label_fields(
        alt.Chart(predictions),
        model=labels(lang, "model", MODELS),
        split=labels(lang, "split", SPLITS),
    ).encode(
        x=alt.X("t:Q", title=t(lang, "chart.title.t"), scale=TIME_SCALE),
        y=alt.Y("value:Q", title=t(lang, "chart.title.value")),
        color=model_color(lang, predictions),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
            alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
            label_tip("split", t(lang, "chart.title.split")),
        ],
    )
    truth = base.transform_filter(alt.datum.model == "truth").mark_circle(size=24, opacity=0.6)
    lines = base.transform_filter(alt.datum.model != "truth").mark_line(strokeWidth=2)
    return alt.layer(truth, lines).properties(height=320)


def compare_loss_chart(losses: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Loss per epoch per model (colour), train solid and test dashed, log scale."""
    splits = labels(lang, "split", SPLITS)
    return (
        label_fields(alt.Chart(losses), model=labels(lang, "model", MODELS), split=splits)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title=t(lang, "chart.title.epoch")),
            y=alt.Y("loss:Q", scale=alt.Scale(type="log"), title=t(lang, "chart.title.mse_log")),
            color=model_color(lang, losses),
            strokeDash=alt.StrokeDash(
                "split:N",
                sort=list(SPLITS),
                title=t(lang, "chart.title.split"),
                legend=legend(splits),
            ),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                alt.Tooltip("epoch:Q", title=t(lang, "chart.title.epoch")),
                label_tip("split", t(lang, "chart.title.split")),
                alt.Tooltip("loss:Q", format=".5f", title=t(lang, "chart.title.mse")),
            ],
        )
        .properties(height=260)
    )
