"""Altair chart builders over the tidy frames of `frames.py`. Pure: no page calls.

Charts speak the reader's language (`lang`), frames do not: data values stay keys
("truth", "train", "rnn", ...) in every language, and the chart shows each key's label
through a Vega expression (legend and axis `labelExpr`, a calculated `<field>_label` for
tooltips). So an English and a Chinese chart of one result carry the same data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt
import pandas as pd

from .i18n import t

SERIES = ("truth", "prediction")  # predictions.series
SPLITS = ("train", "test")  # split of a point, window or loss
METRICS = ("mse", "mae", "rmse")  # columns of the metrics frame
# Model keys in frames: the observed series, the networks and the forecast baselines.
MODELS = ("truth", "rnn", "lstm", "gru", "persistence", "linear_ar")
SERIES_COLORS = alt.Scale(domain=list(SERIES), range=["#8c8c8c", "#d62728"])
# Time axes span the data, not from 0: an upload's last rows may be rows 4700..4999.
TIME_SCALE = alt.Scale(zero=False)
# Rows a chart may carry. Altair refuses more than 5,000 by default, a guard for data
# embedded as JSON in notebooks; our specs carry Arrow bytes (chart_specs.page_spec), and
# the largest chart the bounds allow, the hidden-state heatmap at 60 steps x 128 units,
# has 7,680 cells. Charts with more raw rows summarise first (gates_chart).
MAX_CHART_ROWS = 10_000
alt.data_transformers.enable("default", max_rows=MAX_CHART_ROWS)


# ---- Labels: keys in the data -> words in the reader's language ------------------------
def labels(lang: str, group: str, keys: Iterable[str]) -> dict[str, str]:
    """Each key's label in `lang`, from the locale keys `chart.<group>.<key>`."""
    return {key: t(lang, f"chart.{group}.{key}") for key in keys}


def label_expr(key_labels: Mapping[str, str], ref: str = "datum.value") -> str:
    """A Vega expression giving the label of the key in `ref` (an unknown key as is).

    `{"train": "训练集"}` -> `datum.value === "train" ? "训练集" : datum.value`.
    """
    expr = ref
    for key, label in reversed(list(key_labels.items())):
        expr = f"{ref} === {_js(key)} ? {_js(label)} : {expr}"
    return expr


def _js(text: str) -> str:
    """`text` as a string literal of a Vega expression (JSON's syntax is a subset)."""
    return json.dumps(str(text), ensure_ascii=False)


def legend(key_labels: Mapping[str, str], **kwargs: Any) -> alt.Legend:
    """A legend showing each key by its label."""
    return alt.Legend(labelExpr=label_expr(key_labels), **kwargs)


def label_fields(chart: alt.Chart, **by_field: Mapping[str, str]) -> alt.Chart:
    """`chart` with a computed `<field>_label` column per field (for tooltips)."""
    return chart.transform_calculate(
        **{f"{field}_label": label_expr(lab, f"datum.{field}") for field, lab in by_field.items()}
    )


def label_tip(field: str, title: str) -> alt.Tooltip:
    """A tooltip showing `field`'s label (made by `label_fields`) under `title`."""
    return alt.Tooltip(f"{field}_label:N", title=title)


# ---- The charts of a run -----------------------------------------------------------------
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
