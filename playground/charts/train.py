"""The Train view's charts: the prediction over the signal, the loss per epoch and the
errors per split. Pure: no page calls."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    METRICS,
    MODELS,
    SERIES,
    SERIES_COLORS,
    SPLITS,
    TIME_SCALE,
    label_expr,
    label_fields,
    label_tip,
    labels,
    legend,
)
from playground.i18n import t


def predictions_chart(predictions: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Signal (grey points) and prediction (red line); the test region is shaded."""
    series, splits = labels(lang, "series", SERIES), labels(lang, "split", SPLITS)
    test = predictions[(predictions.series == "truth") & (predictions.split == "test")]
    region = pd.DataFrame({"start": [test.t.min()], "end": [test.t.max()], "label": ["test"]})
    shade = label_fields(
        alt.Chart(region).mark_rect(opacity=0.12, color="#1f77b4"), label=splits
    ).encode(
        x=alt.X("start:Q", scale=TIME_SCALE),
        x2="end:Q",
        tooltip=[label_tip("label", t(lang, "chart.title.region"))],
    )
    base = label_fields(alt.Chart(predictions), series=series, split=splits).encode(
        x=alt.X("t:Q", title=t(lang, "chart.title.t"), scale=TIME_SCALE),
        y=alt.Y("value:Q", title=t(lang, "chart.title.value")),
        color=alt.Color(
            "series:N",
            scale=SERIES_COLORS,
            title=t(lang, "chart.title.series"),
            legend=legend(series),
        ),
        tooltip=[
            alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
            label_tip("series", t(lang, "chart.title.series")),
            alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
            label_tip("split", t(lang, "chart.title.split")),
        ],
    )
    truth = base.transform_filter(alt.datum.series == "truth").mark_circle(size=28, opacity=0.7)
    pred = base.transform_filter(alt.datum.series == "prediction").mark_line(strokeWidth=2.5)
    return alt.layer(shade, truth, pred).properties(height=320)


def loss_chart(losses: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Train and test MSE per epoch, log scale."""
    splits = labels(lang, "split", SPLITS)
    return (
        label_fields(alt.Chart(losses), split=splits)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title=t(lang, "chart.title.epoch")),
            y=alt.Y("loss:Q", scale=alt.Scale(type="log"), title=t(lang, "chart.title.mse_log")),
            color=alt.Color(
                "split:N",
                scale=alt.Scale(domain=list(SPLITS)),
                title=t(lang, "chart.title.split"),
                legend=legend(splits),
            ),
            tooltip=[
                alt.Tooltip("epoch:Q", title=t(lang, "chart.title.epoch")),
                label_tip("split", t(lang, "chart.title.split")),
                alt.Tooltip("loss:Q", format=".5f", title=t(lang, "chart.title.mse")),
            ],
        )
        .properties(height=260)
    )


def metrics_chart(metrics: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """MSE, MAE and RMSE per split as grouped bars."""
    splits, names = labels(lang, "split", SPLITS), labels(lang, "metric", METRICS)
    models = labels(lang, "model", MODELS)
    long = metrics.melt(
        id_vars=["model", "split"], value_vars=list(METRICS), var_name="metric", value_name="value"
    )
    return (
        label_fields(alt.Chart(long), model=models, split=splits, metric=names)
        .mark_bar()
        .encode(
            x=alt.X(
                "split:N",
                title=None,
                sort=list(SPLITS),
                axis=alt.Axis(labelExpr=label_expr(splits)),
            ),
            y=alt.Y("value:Q", title=t(lang, "chart.title.error")),
            color=alt.Color("split:N", scale=alt.Scale(domain=list(SPLITS)), legend=None),
            column=alt.Column(
                "metric:N",
                title=None,
                sort=list(METRICS),
                header=alt.Header(labelExpr=label_expr(names)),
            ),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                label_tip("split", t(lang, "chart.title.split")),
                label_tip("metric", t(lang, "chart.title.metric")),
                alt.Tooltip("value:Q", format=".5f", title=t(lang, "chart.title.value")),
            ],
        )
        .properties(height=200, width=90)
    )
