"""The Compare view's charts: each model's prediction and loss."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    CHART_MODELS,
    SPLITS,
    TIME_SCALE,
    label_fields,
    label_tip,
    labels,
    legend,
    log_axis,
    model_color,
    region_frame,
    region_layers,
    step_axis,
    stacked_legends,
    time_axis,
)
from playground.charts.train import held_out_span
from playground.i18n import t


def compare_chart(predictions: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Observed points (grey, above the lines) and each model's prediction (one
    translucent line per model); the test region is shaded as on the Train chart."""
    splits = labels(lang, "split", SPLITS)
    x_title, axis = t(lang, "chart.title.t"), time_axis(predictions.t)
    truth_rows = predictions[predictions.model == "truth"]
    held_out = region_frame({"test": held_out_span(truth_rows)})
    shade = region_layers(held_out, splits, t(lang, "chart.title.region"), x_title, axis)
    base = label_fields(
        alt.Chart(predictions),
        model=labels(lang, "model", CHART_MODELS),
        split=splits,
    ).encode(
        x=alt.X("t:Q", title=x_title, scale=TIME_SCALE, axis=axis),
        y=alt.Y("value:Q", title=t(lang, "chart.title.value")),
        color=model_color(lang, predictions),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
            alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
            label_tip("split", t(lang, "chart.title.split")),
        ],
    )
    lines = base.transform_filter(alt.datum.model != "truth").mark_line(strokeWidth=2, opacity=0.8)
    truth = base.transform_filter(alt.datum.model == "truth").mark_circle(size=24, opacity=0.7)
    return alt.layer(*shade, lines, truth).properties(height=320, autosize=FIT_WIDTH)


def compare_loss_chart(losses: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Loss per epoch per model (colour), train solid and test dashed, log scale."""
    splits = labels(lang, "split", SPLITS)
    chart = (
        label_fields(alt.Chart(losses), model=labels(lang, "model", CHART_MODELS), split=splits)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title=t(lang, "chart.title.epoch"), axis=step_axis()),
            y=alt.Y(
                "loss:Q",
                scale=alt.Scale(type="log"),
                axis=log_axis(losses.loss),
                title=t(lang, "chart.title.mse_log"),
            ),
            color=model_color(lang, losses),
            strokeDash=alt.StrokeDash(
                "split:N",
                sort=list(SPLITS),
                title=t(lang, "chart.title.split"),
                legend=legend(splits, symbolType="stroke", symbolStrokeWidth=2),
            ),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                alt.Tooltip("epoch:Q", title=t(lang, "chart.title.epoch")),
                label_tip("split", t(lang, "chart.title.split")),
                alt.Tooltip("loss:Q", format=".5f", title=t(lang, "chart.title.mse")),
            ],
        )
        .properties(height=260, autosize=FIT_WIDTH)
    )
    return stacked_legends(chart)
