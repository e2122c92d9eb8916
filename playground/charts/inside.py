"""The Inside view's charts: hidden-state heatmap, gates and the PCA trajectory."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    SPLITS,
    label_fields,
    label_tip,
    labels,
    legend,
)
from playground.i18n import t
from playground.pipeline.cells import GATES as CELL_GATES


GATES = tuple(name for names in CELL_GATES.values() for name in names)  # LSTM, then GRU


def top_layer(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the top recurrent layer, whose last state the prediction reads."""
    return frame[frame.layer == frame.layer.max()] if len(frame) else frame


def hidden_heatmap(hidden: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Hidden units (rows) over time steps (columns) of the top layer, diverging colour
    around 0. At most 60 steps x 128 units = 7,680 cells (see charts.MAX_CHART_ROWS)."""
    return (
        alt.Chart(top_layer(hidden))
        .mark_rect()
        .encode(
            x=alt.X("step:O", title=t(lang, "chart.title.time_step")),
            y=alt.Y("unit:O", title=t(lang, "chart.title.hidden_unit")),
            color=alt.Color(
                "value:Q",
                scale=alt.Scale(scheme="redblue", domainMid=0, reverse=True),
                title=t(lang, "chart.title.hidden_value"),
            ),
            tooltip=[
                alt.Tooltip("layer:Q", title=t(lang, "chart.title.layer")),
                alt.Tooltip("unit:O", title=t(lang, "chart.title.hidden_unit")),
                alt.Tooltip("step:O", title=t(lang, "chart.title.time_step")),
                alt.Tooltip("value:Q", format=".3f", title=t(lang, "chart.title.hidden_value")),
            ],
        )
        .properties(height=300)
    )


def gates_chart(gates: pd.DataFrame, inputs: pd.DataFrame, lang: str = "en") -> alt.VConcatChart:
    """The window's input on top, and below it each gate's mean over the top layer's units
    per step with its range (min to max), aligned on the same time steps. Summarised here,
    not in Vega: the raw frame has up to 4 gates x 60 steps x 128 units x 3 layers rows."""
    x = alt.X("step:Q", title=t(lang, "chart.title.time_step"), scale=alt.Scale(nice=False))
    top = (
        alt.Chart(inputs)
        .mark_line(point=True, color="#8c8c8c")
        .encode(
            x=x,
            y=alt.Y("value:Q", title=t(lang, "chart.title.input")),
            tooltip=[
                alt.Tooltip("step:Q", title=t(lang, "chart.title.time_step")),
                alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
                alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.input")),
            ],
        )
        .properties(height=120)
    )
    gate_names = labels(lang, "gate", GATES)
    per_step = (
        top_layer(gates)
        .groupby(["gate", "step"], sort=False)["value"]
        .agg(mean="mean", low="min", high="max")
        .reset_index()
    )
    summary = label_fields(alt.Chart(per_step), gate=gate_names)
    color = alt.Color("gate:N", title=t(lang, "chart.title.gate"), legend=legend(gate_names))
    band = summary.mark_area(opacity=0.2).encode(
        x=x, y=alt.Y("low:Q", title=t(lang, "chart.title.gate_value")), y2="high:Q", color=color
    )
    line = summary.mark_line(point=True).encode(
        x=x,
        y=alt.Y("mean:Q", title=t(lang, "chart.title.gate_value")),
        color=color,
        tooltip=[
            label_tip("gate", t(lang, "chart.title.gate")),
            alt.Tooltip("step:Q", title=t(lang, "chart.title.time_step")),
            alt.Tooltip("mean:Q", format=".3f", title=t(lang, "chart.title.mean")),
            alt.Tooltip("low:Q", format=".3f", title=t(lang, "chart.title.min")),
            alt.Tooltip("high:Q", format=".3f", title=t(lang, "chart.title.max")),
        ],
    )
    return alt.vconcat(top, alt.layer(band, line).properties(height=220))


def trajectory_chart(trajectory: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Last hidden state of each window in its first two principal components, in time
    order (a loop for a periodic signal)."""
    return (
        label_fields(alt.Chart(trajectory), split=labels(lang, "split", SPLITS))
        .mark_line(point=True)
        .encode(
            x=alt.X("pc1:Q", title=t(lang, "chart.title.pc1")),
            y=alt.Y("pc2:Q", title=t(lang, "chart.title.pc2")),
            order=alt.Order("window:Q"),
            color=alt.Color(
                "t:Q", title=t(lang, "chart.title.t"), scale=alt.Scale(scheme="viridis")
            ),
            tooltip=[
                alt.Tooltip("window:Q", title=t(lang, "chart.title.window")),
                alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
                label_tip("split", t(lang, "chart.title.split")),
                alt.Tooltip("pc1:Q", format=".3f", title=t(lang, "chart.title.pc1")),
                alt.Tooltip("pc2:Q", format=".3f", title=t(lang, "chart.title.pc2")),
            ],
        )
        .properties(height=320, width=320)
    )
