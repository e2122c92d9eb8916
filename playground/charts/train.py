"""The Train view's charts: the prediction over the signal, the loss per epoch and the
errors per split. Pure: no page calls."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
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
    log_axis,
    region_frame,
    region_layers,
    step_axis,
    time_axis,
)
from playground.i18n import t

PANEL_WIDTH = 64  # px per metric panel: three panels with their axes fit a 358 px phone column


def held_out_span(truth: pd.DataFrame) -> tuple[float, float]:
    """First and last time of the observed test points (NaN, NaN if there are none)."""
    test = truth[truth.split == "test"].t
    return (float(test.min()), float(test.max())) if len(test) else (float("nan"),) * 2


def predictions_chart(predictions: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Signal (grey points, drawn above the line so that a prediction through every point
    hides none) and prediction (red, translucent line); the test region is shaded."""
    series, splits = labels(lang, "series", SERIES), labels(lang, "split", SPLITS)
    x_title, axis = t(lang, "chart.title.t"), time_axis(predictions.t)
    truth_rows = predictions[predictions.series == "truth"]
    held_out = region_frame({"test": held_out_span(truth_rows)})
    shade = region_layers(held_out, splits, t(lang, "chart.title.region"), x_title, axis)
    base = label_fields(alt.Chart(predictions), series=series, split=splits).encode(
        x=alt.X("t:Q", title=x_title, scale=TIME_SCALE, axis=axis),
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
    pred = base.transform_filter(alt.datum.series == "prediction").mark_line(
        strokeWidth=2.5, opacity=0.75
    )
    truth = base.transform_filter(alt.datum.series == "truth").mark_circle(
        size=30, opacity=0.8, stroke="white", strokeWidth=0.5
    )
    return alt.layer(*shade, pred, truth).properties(height=320, autosize=FIT_WIDTH)


def loss_chart(losses: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Train and test MSE per epoch, log scale."""
    splits = labels(lang, "split", SPLITS)
    return (
        label_fields(alt.Chart(losses), split=splits)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title=t(lang, "chart.title.epoch"), axis=step_axis()),
            y=alt.Y(
                "loss:Q",
                scale=alt.Scale(type="log"),
                axis=log_axis(),
                title=t(lang, "chart.title.mse_log"),
            ),
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
        .properties(height=260, autosize=FIT_WIDTH)
    )


def metrics_chart(metrics: pd.DataFrame, lang: str = "en") -> alt.FacetChart:
    """MSE, MAE and RMSE per split as bars, one panel per metric, each on its own y scale
    (an airline MSE of 4,560 next to an MAE of 55 would flatten the MAE panel). Narrow
    panels: the three fit a phone-wide column (the page draws this chart at its own width)."""
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
                axis=alt.Axis(labelExpr=label_expr(splits), labelAngle=0),
            ),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(labelLimit=48)),
            color=alt.Color("split:N", scale=alt.Scale(domain=list(SPLITS)), legend=None),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                label_tip("split", t(lang, "chart.title.split")),
                label_tip("metric", t(lang, "chart.title.metric")),
                alt.Tooltip("value:Q", format=".5f", title=t(lang, "chart.title.value")),
            ],
        )
        .properties(height=200, width=PANEL_WIDTH)
        .facet(
            column=alt.Column(
                "metric:N",
                title=None,
                sort=list(METRICS),
                header=alt.Header(labelExpr=label_expr(names)),
            ),
            spacing=12,
        )
        .resolve_scale(y="independent")
    )
