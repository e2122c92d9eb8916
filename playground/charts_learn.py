"""Altair chart builders for the learning views: comparison, forecasts, inside the
network, gradients and the memory sweep. Each takes one tidy frame and the reader's
language; frames keep their keys, the charts show labels (see `charts.py`). Pure: no
page calls."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .charts import MODELS, SPLITS, TIME_SCALE, label_fields, label_tip, labels, legend
from .i18n import t

MODEL_COLORS = alt.Scale(
    domain=list(MODELS),
    range=["#8c8c8c", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"],
)
MODES = ("observed", "free_running", "one_step")  # forecast paths: truth, then forecasts
REGIONS = ("train", "test", "beyond")  # where a forecast point lies
STAGES = ("init", "trained")  # weights a gradient is taken at
GATES = ("input", "forget", "output", "cell_state", "update", "reset")  # LSTM, then GRU


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


def forecast_chart(paths: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Observed series (grey points) with one-step (dashed) and free-running (solid)
    forecasts per model, including past the series end."""
    modes = labels(lang, "mode", MODES)
    base = label_fields(
        alt.Chart(paths),
        model=labels(lang, "model", MODELS),
        mode=modes,
        region=labels(lang, "region", REGIONS),
    ).encode(
        x=alt.X("t:Q", title=t(lang, "chart.title.t"), scale=TIME_SCALE),
        y=alt.Y("value:Q", title=t(lang, "chart.title.value")),
        color=model_color(lang, paths),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            label_tip("mode", t(lang, "chart.title.mode")),
            label_tip("region", t(lang, "chart.title.region")),
            alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
            alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
        ],
    )
    truth = base.transform_filter(alt.datum.mode == "observed").mark_circle(size=20, opacity=0.6)
    forecasts = (
        base.transform_filter(alt.datum.mode != "observed")
        .mark_line()
        .encode(
            strokeDash=alt.StrokeDash(
                "mode:N",
                sort=["free_running", "one_step"],
                title=t(lang, "chart.title.mode"),
                legend=legend(modes),
            ),
            detail="mode:N",
        )
    )
    return alt.layer(truth, forecasts).properties(height=320)


def horizon_chart(horizon: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Free-running MSE against steps ahead, one line per model or baseline."""
    return (
        label_fields(alt.Chart(horizon), model=labels(lang, "model", MODELS))
        .mark_line(point=True)
        .encode(
            x=alt.X("horizon:Q", title=t(lang, "chart.title.steps_ahead")),
            y=alt.Y("mse:Q", title=t(lang, "chart.title.mse")),
            color=model_color(lang, horizon),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                alt.Tooltip("horizon:Q", title=t(lang, "chart.title.steps_ahead")),
                alt.Tooltip("mse:Q", format=".5f", title=t(lang, "chart.title.mse")),
                alt.Tooltip("n_origins:Q", title=t(lang, "chart.title.n_origins")),
            ],
        )
        .properties(height=260)
    )


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


def gradient_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """‖∂L/∂h_t‖ per time step, log scale; colour = model, dash = init / trained."""
    stages = labels(lang, "stage", STAGES)
    return (
        label_fields(alt.Chart(frame), model=labels(lang, "model", MODELS), stage=stages)
        .mark_line(point=True)
        .encode(
            x=alt.X("step:Q", title=t(lang, "chart.title.grad_step")),
            y=alt.Y(
                "grad_norm:Q",
                scale=alt.Scale(type="log"),
                title=t(lang, "chart.title.grad_norm_log"),
            ),
            color=model_color(lang, frame),
            strokeDash=alt.StrokeDash(
                "stage:N",
                sort=list(STAGES),
                title=t(lang, "chart.title.weights"),
                legend=legend(stages),
            ),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                label_tip("stage", t(lang, "chart.title.weights")),
                alt.Tooltip("step:Q", title=t(lang, "chart.title.time_step")),
                alt.Tooltip("grad_norm:Q", format=".3e", title=t(lang, "chart.title.grad_norm")),
            ],
        )
        .properties(height=280)
    )


def memory_chart(sweep: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Test error relative to guessing against lag: seeds as points, median as line."""
    y_title = t(lang, "chart.title.relative_mse_axis")
    base = label_fields(alt.Chart(sweep), model=labels(lang, "model", MODELS)).encode(
        x=alt.X("lag:Q", title=t(lang, "chart.title.lag_axis")),
        color=model_color(lang, sweep),
    )
    points = base.mark_circle(size=40, opacity=0.5).encode(
        y=alt.Y("relative_mse:Q", title=y_title),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            alt.Tooltip("lag:Q", title=t(lang, "chart.title.lag")),
            alt.Tooltip("seed:Q", title=t(lang, "chart.title.seed")),
            alt.Tooltip("test_mse:Q", format=".4f", title=t(lang, "chart.title.test_mse")),
            alt.Tooltip("relative_mse:Q", format=".3f", title=t(lang, "chart.title.relative_mse")),
        ],
    )
    median = base.mark_line().encode(y=alt.Y("median(relative_mse):Q", title=y_title))
    return alt.layer(points, median).properties(height=280)
