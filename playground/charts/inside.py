"""The Inside view's charts: hidden-state heatmap, gates and the PCA trajectory."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    LEGEND_ORIENT,
    SPLITS,
    label_fields,
    label_tip,
    labels,
    legend,
    step_axis,
    time_axis,
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
            x=alt.X(
                "step:O",
                title=t(lang, "chart.title.time_step"),
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("unit:O", title=t(lang, "chart.title.hidden_unit")),
            color=alt.Color(
                "value:Q",
                scale=alt.Scale(scheme="redblue", domainMid=0, reverse=True),
                title=t(lang, "chart.title.hidden_value"),
                legend=alt.Legend(orient=LEGEND_ORIENT),
            ),
            tooltip=[
                alt.Tooltip("layer:Q", title=t(lang, "chart.title.layer")),
                alt.Tooltip("unit:O", title=t(lang, "chart.title.hidden_unit")),
                alt.Tooltip("step:O", title=t(lang, "chart.title.time_step")),
                alt.Tooltip("value:Q", format=".3f", title=t(lang, "chart.title.hidden_value")),
            ],
        )
        .properties(height=300, autosize=FIT_WIDTH)
    )


# The gates chart's panels, top to bottom, as bands of pixels of one plot: the window's
# input, the gates (0..1) and, for an LSTM, the cell state (unbounded), each on its own
# y scale. One layered plot, not a vconcat: only a single or layered view fits its
# container's width (Vega-Lite's autosize "fit"), so the chart never runs past its column.
PANEL_HEIGHTS = {"input": 80, "gates": 160, "cell_state": 110}
PANEL_GAP = 30  # px between panels
CELL_STATE = "cell_state"  # the LSTM's cell state, traced with the gates
CELL_COLOR = "#8c564b"
INPUT_COLOR = "#8c8c8c"


def panel_ranges(panels: list[str]) -> dict[str, list[float]]:
    """Each panel's y range in pixels ([bottom, top]), stacked top to bottom with gaps."""
    ranges, top = {}, 0.0
    for name in panels:
        ranges[name] = [top + PANEL_HEIGHTS[name], top]
        top += PANEL_HEIGHTS[name] + PANEL_GAP
    return ranges


def per_step(gates: pd.DataFrame) -> pd.DataFrame:
    """Columns gate, step, mean, low, high: each gate's mean, min and max over the top
    layer's units per step (summarised here, not in Vega: the raw frame has up to
    4 gates x 60 steps x 128 units x 3 layers rows)."""
    return (
        top_layer(gates)
        .groupby(["gate", "step"], sort=False)["value"]
        .agg(mean="mean", low="min", high="max")
        .reset_index()
    )


def gates_chart(gates: pd.DataFrame, inputs: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Three panels on the same whole time steps: the window's input on top; each gate's
    mean over the top layer's units per step with its range (min to max) on a fixed 0..1
    scale; and, for an LSTM, the cell state the same way on a scale of its own (it is
    not bounded). The chart fits its container's width; the gate legend is below."""
    summary = per_step(gates)
    cell = summary[summary.gate == CELL_STATE]
    panels = ["input", "gates"] + (["cell_state"] if len(cell) else [])
    ranges = panel_ranges(panels)
    x = alt.X(
        "step:Q",
        title=t(lang, "chart.title.time_step"),
        scale=alt.Scale(nice=False),
        axis=step_axis(),
    )

    def y(field: str, panel: str, title: str, **scale) -> alt.Y:
        return alt.Y(
            field,
            title=title,
            scale=alt.Scale(range=ranges[panel], **scale),
            axis=alt.Axis(orient="left", tickCount=4 if panel == "input" else 5),
        )

    top = (
        alt.Chart(inputs)
        .mark_line(point=alt.OverlayMarkDef(color=INPUT_COLOR), color=INPUT_COLOR)
        .encode(
            x=x,
            y=y("value:Q", "input", t(lang, "chart.title.input"), zero=False),
            tooltip=[
                alt.Tooltip("step:Q", title=t(lang, "chart.title.time_step")),
                alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
                alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.input")),
            ],
        )
    )
    gate_names = labels(lang, "gate", GATES)
    tooltip = [
        label_tip("gate", t(lang, "chart.title.gate")),
        alt.Tooltip("step:Q", title=t(lang, "chart.title.time_step")),
        alt.Tooltip("mean:Q", format=".3f", title=t(lang, "chart.title.mean")),
        alt.Tooltip("low:Q", format=".3f", title=t(lang, "chart.title.min")),
        alt.Tooltip("high:Q", format=".3f", title=t(lang, "chart.title.max")),
    ]

    def band_and_line(frame: pd.DataFrame, y_band: alt.Y, y_line: alt.Y, color) -> alt.LayerChart:
        base = label_fields(alt.Chart(frame), gate=gate_names).encode(x=x, color=color)
        band = base.mark_area(opacity=0.2).encode(y=y_band, y2="high:Q")
        line = base.mark_line(point=True).encode(y=y_line, tooltip=tooltip)
        return alt.layer(band, line)

    gate_title = t(lang, "chart.title.gate_value")
    unit = {"domain": [0, 1], "nice": False}
    gate_color = alt.Color(
        "gate:N", title=t(lang, "chart.title.gate"), legend=legend(gate_names, symbolOpacity=1)
    )
    gate_layers = band_and_line(
        summary[summary.gate != CELL_STATE],
        y("low:Q", "gates", gate_title, **unit),
        y("mean:Q", "gates", gate_title, **unit),
        gate_color,
    )
    layers = [top, gate_layers]
    if len(cell):
        cell_title = t(lang, "chart.title.cell_state")
        layers.append(
            band_and_line(
                cell,
                y("low:Q", "cell_state", cell_title, zero=False),
                y("mean:Q", "cell_state", cell_title, zero=False),
                alt.value(CELL_COLOR),
            )
        )
    height = max(r[0] for r in ranges.values())
    return (
        alt.layer(*layers)
        .resolve_scale(y="independent")
        .properties(height=height, autosize=FIT_WIDTH)
    )


def trajectory_chart(trajectory: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Last hidden state of each window in its first two principal components, in time
    order (a loop for a periodic signal). The page layers a mark over it, so it sets no
    `autosize` (a layer's parts may not): at the page's "fit", its height holds the axis
    and the legend below the plot too, hence the extra height."""
    return (
        label_fields(alt.Chart(trajectory), split=labels(lang, "split", SPLITS))
        .mark_line(point=True)
        .encode(
            x=alt.X("pc1:Q", title=t(lang, "chart.title.pc1")),
            y=alt.Y("pc2:Q", title=t(lang, "chart.title.pc2")),
            order=alt.Order("window:Q"),
            color=alt.Color(
                "t:Q",
                title=t(lang, "chart.title.t"),
                scale=alt.Scale(scheme="viridis"),
                legend=alt.Legend(orient=LEGEND_ORIENT, format=time_axis(trajectory.t).format),
            ),
            tooltip=[
                alt.Tooltip("window:Q", title=t(lang, "chart.title.window")),
                alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
                label_tip("split", t(lang, "chart.title.split")),
                alt.Tooltip("pc1:Q", format=".3f", title=t(lang, "chart.title.pc1")),
                alt.Tooltip("pc2:Q", format=".3f", title=t(lang, "chart.title.pc2")),
            ],
        )
        .properties(height=380, width=320)
    )


MARK_COLOR = "#d62728"  # the page's primary colour: the traced window on the trajectory


def marked_trajectory(trajectory: pd.DataFrame, window: int, lang: str) -> alt.LayerChart:
    """The trajectory chart with the traced window's point ringed (no ring when its
    hidden state was not finite: it has no point)."""
    chosen = trajectory[trajectory.window == window]
    ring = (
        alt.Chart(chosen)
        .mark_point(shape="circle", size=260, filled=False, strokeWidth=3, color=MARK_COLOR)
        .encode(
            x="pc1:Q",
            y="pc2:Q",
            tooltip=[
                alt.Tooltip("window:Q", title=t(lang, "inside.chosen")),
                alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
            ],
        )
    )
    return alt.layer(trajectory_chart(trajectory, lang), ring)
