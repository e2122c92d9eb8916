"""Chart vocabulary and labels: keys in the frames -> words in the reader's language.

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

from playground.i18n import t

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


MODEL_COLORS = alt.Scale(
    domain=list(MODELS),
    range=["#8c8c8c", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"],
)


def model_color(lang: str, frame: pd.DataFrame) -> alt.Color:
    """Colour by model (the same colour for a model in every chart), the legend naming,
    in `lang`, only the models `frame` holds."""
    present = set(frame["model"])
    return alt.Color(
        "model:N",
        scale=MODEL_COLORS,
        title=t(lang, "chart.title.model"),
        legend=legend(labels(lang, "model", MODELS), values=[m for m in MODELS if m in present]),
    )
