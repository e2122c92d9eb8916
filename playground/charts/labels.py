"""Chart vocabulary and labels: keys in the frames -> words in the reader's language.

Charts speak the reader's language (`lang`), frames do not: data values stay keys
("truth", "train", "rnn", ...) in every language, and the chart shows each key's label
through a Vega expression (legend and axis `labelExpr`, a calculated `<field>_label` for
tooltips). So an English and a Chinese chart of one result carry the same data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from playground.i18n import t

SERIES = ("truth", "prediction")  # predictions.series
SPLITS = ("train", "test")  # split of a point, window or loss
STAGES = ("init", "trained")  # the weights a derivative is taken at (frames' `stage`)
METRICS = ("mse", "mae", "rmse")  # columns of the metrics frame
# Model keys in frames: the observed series, the networks and the forecast baselines.
CHART_MODELS = ("truth", "rnn", "lstm", "gru", "persistence", "linear_ar")
SERIES_COLORS = alt.Scale(domain=list(SERIES), range=["#8c8c8c", "#d62728"])
# Train and test in every chart coloured by split (the loss, the errors) and in the replay
# (its own SVG): one colour per split, not the page theme's first two.
SPLIT_COLORS: dict[str, str] = {"train": "#4c78a8", "test": "#f58518"}
SPLIT_SCALE = alt.Scale(domain=list(SPLITS), range=[SPLIT_COLORS[s] for s in SPLITS])
# Time axes span the data, not from 0: an upload's last rows may be rows 4700..4999.
TIME_SCALE = alt.Scale(zero=False)
# Log axes read as people write numbers: plainly from 0.001 to 9999 ("0.4", "20"), with SI
# prefixes above ("30k", "2M"), as powers of ten below ("10⁻⁶", "2×10⁻¹⁴"); never the
# e-notation of a calculator ("4e-1", "3e+4"). `log_label_expr` writes the labels.
LOG_FORMAT = "~g"  # the labels' fallback (a Vega without the expression)
PLAIN_LOG_RANGE = (1e-3, 1e4)  # labels in [low, high) are written plainly
SUPERSCRIPTS = dict(zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
# Legends go below the plot, so that a narrow (phone) screen keeps the plot wide, one
# under the other (Vega's default puts them side by side, past a phone's edge); a legend
# of more than `LEGEND_ROW` entries wraps into rows of `LEGEND_ROW`.
LEGEND_ORIENT = "bottom"
LEGEND_LAYOUT = {"expr": "{bottom: {direction: 'vertical', anchor: 'start'}}"}
LEGEND_ROW = 3
# The page draws charts at their column's width: the whole chart (axes and legends too)
# fits that width, and `height` stays the plot's own height (a plain "fit" would take the
# legends below the plot out of it).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
# Shading of a region of the time axis (the test part; past the end of the data).
REGION_COLORS = {"test": "#1f77b4", "beyond": "#8c8c8c"}
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
    """A legend below the plot showing each key by its label."""
    return alt.Legend(labelExpr=label_expr(key_labels), **{"orient": LEGEND_ORIENT, **kwargs})


def label_fields(chart: alt.Chart, **by_field: Mapping[str, str]) -> alt.Chart:
    """`chart` with a computed `<field>_label` column per field (for tooltips)."""
    return chart.transform_calculate(
        **{f"{field}_label": label_expr(lab, f"datum.{field}") for field, lab in by_field.items()}
    )


def label_tip(field: str, title: str) -> alt.Tooltip:
    """A tooltip showing `field`'s label (made by `label_fields`) under `title`."""
    return alt.Tooltip(f"{field}_label:N", title=title)


MODEL_COLORS = alt.Scale(
    domain=list(CHART_MODELS),
    range=["#8c8c8c", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"],
)


def model_color(lang: str, frame: pd.DataFrame) -> alt.Color:
    """Colour by model (the same colour for a model in every chart), the legend naming,
    in `lang`, only the models `frame` holds."""
    present = [m for m in CHART_MODELS if m in set(frame["model"])]
    wrap = {"columns": LEGEND_ROW} if len(present) > LEGEND_ROW + 1 else {}
    return alt.Color(
        "model:N",
        scale=MODEL_COLORS,
        title=t(lang, "chart.title.model"),
        legend=legend(labels(lang, "model", CHART_MODELS), values=present, **wrap),
    )


def stacked_legends(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """`chart` (a top-level chart) with its legends one under the other below the plot."""
    return chart.configure_legend(layout=LEGEND_LAYOUT)


# ---- Axes -----------------------------------------------------------------------------
WHOLE_TICKS_SPAN = 6  # time units: a span this wide shows at least 6 whole ticks


def step_axis(**kwargs: Any) -> alt.Axis:
    """An axis of time steps: whole numbers only (1, 2, 3; never 1.5)."""
    return alt.Axis(format="d", tickMinStep=1, **kwargs)


def log_label_expr(ref: str = "datum.value") -> str:
    """A Vega expression writing the number in `ref` for a log axis: plainly within
    PLAIN_LOG_RANGE ("0.4", "250"), with an SI prefix above ("30k"), as a power of ten
    below ("10⁻⁶", "2×10⁻¹⁴")."""
    low, high = PLAIN_LOG_RANGE
    sci = f"format({ref}, '.0e')"  # "2e-14"
    mantissa = f"split({sci}, 'e')[0]"
    exponent = f"replace(split({sci}, 'e')[1], '+', '')"
    for digit, sup in SUPERSCRIPTS.items():
        exponent = f"replace({exponent}, regexp('{digit}', 'g'), '{sup}')"
    power = f"({mantissa} === '1' ? '' : {mantissa} + '×') + '10' + {exponent}"
    return (
        f"abs({ref}) >= {low:g} && abs({ref}) < {high:g} ? format({ref}, '~g')"
        f" : abs({ref}) >= {high:g} ? format({ref}, '~s') : {power}"
    )


# Marks of a log axis: 1-2-5 in each decade, or decades (1, 10, 100), as people write a
# log axis (left to Vega, the labels that did not overlap read 1, 0.2, 0.03, 0.004: a new
# leading digit each decade).
LOG_MANTISSAS = ((1,), (1, 2, 5), tuple(range(1, 10)))
LOG_TICKS_MOST = 8


def log_ticks(values: Iterable[float], nice: bool = True) -> list[float]:
    """The values a log axis over the positive finite `values` labels: 1-2-5 in each
    decade where that gives at most LOG_TICKS_MOST of them, else decades (too many: every
    second, third, ... decade); every leading digit only where those give fewer than two.
    Over the data's range widened to whole decades when `nice` (as Vega's log scale is),
    else over the data's own range."""
    v = np.asarray([float(x) for x in values], dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return []
    low, high = float(v.min()), float(v.max())
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    if nice:
        low, high = 10.0**first, 10.0 ** max(last, first + 1)

    def marks(mantissas: tuple[int, ...]) -> list[float]:
        out = [float(f"{m}e{e}") for e in range(first - 1, last + 1) for m in mantissas]
        return [x for x in out if low * (1 - 1e-9) <= x <= high * (1 + 1e-9)]

    decades, twos_fives, digits = (marks(m) for m in LOG_MANTISSAS)
    if len(twos_fives) <= LOG_TICKS_MOST:
        chosen = twos_fives
    elif len(decades) <= LOG_TICKS_MOST:
        chosen = decades
    else:  # too many decades: every k-th
        chosen = decades[:: math.ceil(len(decades) / LOG_TICKS_MOST)]
    if len(chosen) < 2 and 2 <= len(digits) <= LOG_TICKS_MOST:
        chosen = digits
    return chosen


def log_axis(values: Iterable[float] | None = None, nice: bool = True, **kwargs: Any) -> alt.Axis:
    """An axis of a log scale, every label written by `log_label_expr`: labelled at
    `log_ticks(values, nice)` (decades or 1-2-5, never a new leading digit each decade),
    `values` being the data the axis spans."""
    if values is not None:
        kwargs["values"] = log_ticks(values, nice)
    return alt.Axis(format=LOG_FORMAT, labelExpr=log_label_expr(), **kwargs)


def time_axis(t: Iterable[float]) -> alt.Axis:
    """An axis for the time values `t`, in a format chosen from the data: whole ticks
    written without separators or decimals ("1949", "12") when the values are whole
    (years, row numbers) or span at least `WHOLE_TICKS_SPAN` units (monthly years,
    0..4π); else as few digits as each tick needs ("0.25"), never a thousands separator."""
    values = np.asarray(list(t), dtype=float)
    values = values[np.isfinite(values)]
    if len(values) and (
        np.all(values == np.round(values)) or values.max() - values.min() >= WHOLE_TICKS_SPAN
    ):
        return alt.Axis(format="d", tickMinStep=1)
    return alt.Axis(format="~r")


# ---- Regions of the time axis ---------------------------------------------------------
def region_frame(spans: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """Columns region, start, end: one row per named, non-empty span of time."""
    rows = [
        (name, float(start), float(end))
        for name, (start, end) in spans.items()
        if np.isfinite(start) and np.isfinite(end)
    ]
    return pd.DataFrame(rows, columns=["region", "start", "end"])


def region_layers(
    regions: pd.DataFrame,
    key_labels: Mapping[str, str],
    tip_title: str,
    x_title: str,
    axis: alt.Axis,
) -> list[alt.Chart]:
    """Layers marking regions of the time axis, drawn under a chart's data on its time
    scale (`TIME_SCALE`, title `x_title`, `axis`): a shaded band per region (its own
    shade: `REGION_COLORS`) with its label inside it (the test region's at its top left;
    past the end of the data, at the bottom right, so a narrow band's label runs back
    over the plot, not out of it), and a dashed rule where the data ends."""
    shades = alt.Scale(domain=list(REGION_COLORS), range=list(REGION_COLORS.values()))
    base = label_fields(alt.Chart(regions), region=key_labels).encode(
        x=alt.X("start:Q", scale=TIME_SCALE, title=x_title, axis=axis),
        tooltip=[label_tip("region", tip_title)],
    )
    band = base.mark_rect(opacity=0.12).encode(
        x2="end:Q", fill=alt.Fill("region:N", scale=shades, legend=None)
    )
    writing = {"color": "#555555", "fontSize": 11}
    text = (
        base.transform_filter(alt.datum.region != "beyond")
        .mark_text(align="left", baseline="top", dx=4, dy=4, **writing)
        .encode(y=alt.value(0), text="region_label:N")
    )
    if not (regions.region == "beyond").any():
        return [band, text]
    beyond = base.transform_filter(alt.datum.region == "beyond")
    end = beyond.mark_rule(strokeDash=[4, 3], color=writing["color"])
    beyond_text = beyond.mark_text(
        align="right", baseline="bottom", dx=-4, dy=-4, **writing
    ).encode(x="end:Q", y=alt.value("height"), text="region_label:N")
    return [band, text, end, beyond_text]
