"""Altair chart builders for the learning views: comparison, forecasts, inside the
network, gradients and the memory sweep. Each takes one tidy frame. Pure: no page calls."""

from __future__ import annotations

import altair as alt
import pandas as pd

MODEL_COLORS = alt.Scale(
    domain=["truth", "rnn", "lstm", "gru", "persistence", "linear_ar"],
    range=["#8c8c8c", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"],
)


def compare_chart(predictions: pd.DataFrame) -> alt.LayerChart:
    """Observed points (grey) and each model's prediction (one line per model)."""
    base = alt.Chart(predictions).encode(
        x=alt.X("t:Q", title="t"),
        y=alt.Y("value:Q", title="value"),
        color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
        tooltip=[
            alt.Tooltip("model:N"),
            alt.Tooltip("t:Q", format=".3f"),
            alt.Tooltip("value:Q", format=".4f"),
            alt.Tooltip("split:N"),
        ],
    )
    truth = base.transform_filter(alt.datum.model == "truth").mark_circle(size=24, opacity=0.6)
    lines = base.transform_filter(alt.datum.model != "truth").mark_line(strokeWidth=2)
    return alt.layer(truth, lines).properties(height=320)


def compare_loss_chart(losses: pd.DataFrame) -> alt.Chart:
    """Loss per epoch per model (colour), train solid and test dashed, log scale."""
    return (
        alt.Chart(losses)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title="epoch"),
            y=alt.Y("loss:Q", scale=alt.Scale(type="log"), title="MSE (log scale)"),
            color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
            strokeDash=alt.StrokeDash("split:N", sort=["train", "test"], title="split"),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("epoch:Q"),
                alt.Tooltip("split:N"),
                alt.Tooltip("loss:Q", format=".5f"),
            ],
        )
        .properties(height=260)
    )


def forecast_chart(paths: pd.DataFrame) -> alt.LayerChart:
    """Observed series (grey points) with one-step (dashed) and free-running (solid)
    forecasts per model, including past the series end."""
    base = alt.Chart(paths).encode(
        x=alt.X("t:Q", title="t"),
        y=alt.Y("value:Q", title="value"),
        color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
        tooltip=[
            alt.Tooltip("model:N"),
            alt.Tooltip("mode:N"),
            alt.Tooltip("region:N"),
            alt.Tooltip("t:Q", format=".3f"),
            alt.Tooltip("value:Q", format=".4f"),
        ],
    )
    truth = base.transform_filter(alt.datum.mode == "observed").mark_circle(size=20, opacity=0.6)
    forecasts = (
        base.transform_filter(alt.datum.mode != "observed")
        .mark_line()
        .encode(
            strokeDash=alt.StrokeDash("mode:N", sort=["free_running", "one_step"], title="mode"),
            detail="mode:N",
        )
    )
    return alt.layer(truth, forecasts).properties(height=320)


def horizon_chart(horizon: pd.DataFrame) -> alt.Chart:
    """Free-running MSE against steps ahead, one line per model or baseline."""
    return (
        alt.Chart(horizon)
        .mark_line(point=True)
        .encode(
            x=alt.X("horizon:Q", title="steps ahead"),
            y=alt.Y("mse:Q", title="MSE"),
            color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("horizon:Q"),
                alt.Tooltip("mse:Q", format=".5f"),
                alt.Tooltip("n_origins:Q"),
            ],
        )
        .properties(height=260)
    )


def hidden_heatmap(hidden: pd.DataFrame) -> alt.Chart:
    """Hidden units (rows) over time steps (columns), diverging colour around 0."""
    return (
        alt.Chart(hidden)
        .mark_rect()
        .encode(
            x=alt.X("step:O", title="time step"),
            y=alt.Y("unit:O", title="hidden unit"),
            color=alt.Color(
                "value:Q", scale=alt.Scale(scheme="redblue", domainMid=0, reverse=True), title="h"
            ),
            tooltip=[
                alt.Tooltip("layer:Q"),
                alt.Tooltip("unit:O"),
                alt.Tooltip("step:O"),
                alt.Tooltip("value:Q", format=".3f"),
            ],
        )
        .properties(height=300)
    )


def gates_chart(gates: pd.DataFrame, inputs: pd.DataFrame) -> alt.VConcatChart:
    """The window's input on top, and below it each gate's mean over units per step
    with its range (min to max), aligned on the same time steps."""
    x = alt.X("step:Q", title="time step", scale=alt.Scale(nice=False))
    top = (
        alt.Chart(inputs)
        .mark_line(point=True, color="#8c8c8c")
        .encode(
            x=x,
            y=alt.Y("value:Q", title="input"),
            tooltip=[
                alt.Tooltip("step:Q"),
                alt.Tooltip("t:Q", format=".3f"),
                alt.Tooltip("value:Q", format=".4f"),
            ],
        )
        .properties(height=120)
    )
    summary = alt.Chart(gates).transform_aggregate(
        mean="mean(value)", low="min(value)", high="max(value)", groupby=["gate", "step"]
    )
    color = alt.Color("gate:N", title="gate")
    band = summary.mark_area(opacity=0.2).encode(
        x=x, y=alt.Y("low:Q", title="gate value"), y2="high:Q", color=color
    )
    line = summary.mark_line(point=True).encode(
        x=x,
        y="mean:Q",
        color=color,
        tooltip=[
            alt.Tooltip("gate:N"),
            alt.Tooltip("step:Q"),
            alt.Tooltip("mean:Q", format=".3f"),
            alt.Tooltip("low:Q", format=".3f"),
            alt.Tooltip("high:Q", format=".3f"),
        ],
    )
    return alt.vconcat(top, alt.layer(band, line).properties(height=220))


def trajectory_chart(trajectory: pd.DataFrame) -> alt.Chart:
    """Last hidden state of each window in its first two principal components, in time
    order (a loop for a periodic signal)."""
    return (
        alt.Chart(trajectory)
        .mark_line(point=True)
        .encode(
            x=alt.X("pc1:Q", title="PC 1"),
            y=alt.Y("pc2:Q", title="PC 2"),
            order=alt.Order("window:Q"),
            color=alt.Color("t:Q", title="t", scale=alt.Scale(scheme="viridis")),
            tooltip=[
                alt.Tooltip("window:Q"),
                alt.Tooltip("t:Q", format=".3f"),
                alt.Tooltip("split:N"),
                alt.Tooltip("pc1:Q", format=".3f"),
                alt.Tooltip("pc2:Q", format=".3f"),
            ],
        )
        .properties(height=320, width=320)
    )


def gradient_chart(frame: pd.DataFrame) -> alt.Chart:
    """‖∂L/∂h_t‖ per time step, log scale; colour = model, dash = init / trained."""
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("step:Q", title="time step (loss after the last)"),
            y=alt.Y("grad_norm:Q", scale=alt.Scale(type="log"), title="‖∂L/∂h_t‖ (log)"),
            color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
            strokeDash=alt.StrokeDash("stage:N", sort=["init", "trained"], title="weights"),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("stage:N"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("grad_norm:Q", format=".3e"),
            ],
        )
        .properties(height=280)
    )


def memory_chart(sweep: pd.DataFrame) -> alt.LayerChart:
    """Test error relative to guessing against lag: seeds as points, median as line."""
    base = alt.Chart(sweep).encode(
        x=alt.X("lag:Q", title="lag (steps to remember)"),
        color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
    )
    points = base.mark_circle(size=40, opacity=0.5).encode(
        y=alt.Y("relative_mse:Q", title="test MSE / variance (1 = no memory)"),
        tooltip=[
            alt.Tooltip("model:N"),
            alt.Tooltip("lag:Q"),
            alt.Tooltip("seed:Q"),
            alt.Tooltip("test_mse:Q", format=".4f"),
            alt.Tooltip("relative_mse:Q", format=".3f"),
        ],
    )
    median = base.mark_line().encode(y="median(relative_mse):Q")
    return alt.layer(points, median).properties(height=280)
