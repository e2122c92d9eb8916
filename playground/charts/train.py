"""The Train view's charts: the prediction over the signal, the loss per epoch and the
errors per split. Pure: no page calls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    METRICS,
    CHART_MODELS,
    SERIES,
    SERIES_COLORS,
    SPLIT_SCALE,
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
    stacked_legends,
    step_axis,
    time_axis,
)
from playground.i18n import t

PANEL_WIDTH = 64  # px per metric panel: three panels with their axes fit a 358 px phone column


def held_out_span(truth: pd.DataFrame) -> tuple[float, float]:
    """First and last time of the observed test points (NaN, NaN if there are none)."""
    test = truth[truth.split == "test"].t
    return (float(test.min()), float(test.max())) if len(test) else (float("nan"),) * 2


def prediction_frames(predictions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The prediction chart's data in its layers' order: test region, predictions."""
    truth_rows = predictions[predictions.series == "truth"]
    return region_frame({"test": held_out_span(truth_rows)}), predictions


def predictions_chart(
    predictions: pd.DataFrame,
    lang: str = "en",
    before: pd.DataFrame | None = None,
    before_label: str = "",
) -> alt.LayerChart:
    """Signal (grey points, drawn above the line so that a prediction through every point
    hides none) and prediction (red, translucent line); the test region is shaded. With
    `before` (t, value: the previous run's prediction), that prediction as a faint dashed
    line under this one, its legend entry `before_label` (what changed)."""
    layers = prediction_layers(predictions, lang)
    if before is None:
        return alt.layer(*layers).properties(height=320, autosize=FIT_WIDTH)
    layers.insert(-2, before_layer(predictions, before, before_label, lang))
    # Two legends, one under the other (side by side they pass a phone's edge).
    return stacked_legends(alt.layer(*layers).properties(height=320, autosize=FIT_WIDTH))


def _x(predictions: pd.DataFrame, lang: str, field: str = "t") -> alt.X:
    """The time axis of the prediction chart (every layer shares it)."""
    return alt.X(
        f"{field}:Q",
        title=t(lang, "chart.title.t"),
        scale=TIME_SCALE,
        axis=time_axis(predictions.t),
    )


def prediction_layers(predictions: pd.DataFrame, lang: str = "en") -> list[alt.Chart]:
    """The prediction chart's layers: test-region shading, prediction line, signal."""
    series, splits = labels(lang, "series", SERIES), labels(lang, "split", SPLITS)
    x_title, axis = t(lang, "chart.title.t"), time_axis(predictions.t)
    held_out, predictions = prediction_frames(predictions)
    shade = region_layers(held_out, splits, t(lang, "chart.title.region"), x_title, axis)
    base = label_fields(alt.Chart(predictions), series=series, split=splits).encode(
        x=_x(predictions, lang),
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
    return [*shade, pred, truth]


# ---- Before and after: the previous run's prediction, faint ----------------------------
BEFORE_COLOR = "#d62728"  # the prediction's colour, faint and dashed
BEFORE_DASH = [5, 3]
BEFORE_LABEL_PX = 360  # the legend's label is cut here (the tooltip has all of it)


def before_frame(predictions: pd.DataFrame) -> pd.DataFrame:
    """Columns t, value: the finite prediction points of a run (the faint line)."""
    rows = predictions[predictions.series == "prediction"][["t", "value"]]
    return rows[np.isfinite(rows.value.to_numpy(dtype=float))].reset_index(drop=True)


def before_rows(before: pd.DataFrame, label: str, lang: str = "en") -> pd.DataFrame:
    """The faint line's rows: `before` (t, value) with what changed (`change`, for the
    tooltip) and its legend text (`legend`). The label is data, not spec: the spec stays
    the same after every change, so the browser swaps the data instead of embedding a
    new chart (Streamlit re-embeds only when a spec, datasets aside, changes)."""
    return before[["t", "value"]].assign(
        change=str(label), legend=t(lang, "before_after.legend", changes=label)
    )


def before_layer(
    predictions: pd.DataFrame, before: pd.DataFrame, label: str, lang: str = "en"
) -> alt.Chart:
    """The previous run's prediction (`before`: t, value), faint and dashed, with its own
    legend entry saying what changed ("Before: Hidden size 32 → 64")."""
    return (
        alt.Chart(before_rows(before, label, lang))
        .mark_line(strokeWidth=2, opacity=0.4, strokeDash=BEFORE_DASH)
        .encode(
            x=_x(predictions, lang),
            y=alt.Y("value:Q"),
            stroke=alt.Stroke(
                "legend:N",
                scale=alt.Scale(range=[BEFORE_COLOR]),
                legend=alt.Legend(
                    title=None,
                    orient="bottom",
                    symbolDash=BEFORE_DASH,
                    symbolOpacity=0.5,
                    symbolType="stroke",
                    labelLimit=BEFORE_LABEL_PX,
                ),
            ),
            tooltip=[
                alt.Tooltip("change:N", title=t(lang, "before_after.title")),
                alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
                alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
            ],
        )
    )


# ---- Pick a window: a click on a prediction point ---------------------------------------
PICK = "pick"  # the point selection a click makes (its field: window)
CHOSEN = "chosen_window"  # the window marked (a param: `with_window` moves it)
MARK_COLOR = "#d62728"
WINDOW_SHADE = "#ff7f0e"


def window_frame(predictions: pd.DataFrame) -> pd.DataFrame:
    """Columns window, t, value, start, end: one row per prediction (window i predicts
    the point after its inputs, which run from `start` to `end`)."""
    truth_t = predictions[predictions.series == "truth"].t.to_numpy(dtype=float)
    pred = predictions[predictions.series == "prediction"]
    n_windows = len(pred)
    length = len(truth_t) - n_windows  # every window's inputs: the points before its target
    idx = np.arange(n_windows)
    return pd.DataFrame(
        {
            "window": idx,
            "t": pred.t.to_numpy(dtype=float),
            "value": pred.value.to_numpy(dtype=float),
            "start": truth_t[idx],
            "end": truth_t[idx + length - 1],
        }
    )


def window_picker_chart(predictions: pd.DataFrame, lang: str = "en", window: int = 0):
    """The prediction chart to pick a window on: a click anywhere picks the nearest
    prediction point (selection PICK, field window); the chosen window's inputs are
    shaded and its prediction ringed (param CHOSEN, moved by `with_window`)."""
    windows = window_frame(predictions)
    chosen = alt.param(name=CHOSEN, value=int(window))
    pick = alt.selection_point(
        name=PICK, fields=["window"], nearest=True, on="click", toggle=False, clear=False
    )
    tip = [
        alt.Tooltip("window:Q", title=t(lang, "inside.window_tip")),
        alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
        alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
    ]
    base = alt.Chart(windows).encode(x=_x(predictions, lang))
    marked = base.transform_filter(f"datum.window == {CHOSEN}")
    span = marked.mark_rect(opacity=0.18, color=WINDOW_SHADE).encode(x2="end:Q")
    span = span.encode(x=_x(predictions, lang, "start"))
    dots = base.mark_circle(size=22, opacity=0.35, color=MARK_COLOR, cursor="pointer").encode(
        y="value:Q", tooltip=tip
    )
    ring = marked.mark_point(
        shape="circle", size=220, filled=False, strokeWidth=3, color=MARK_COLOR
    ).encode(y="value:Q", tooltip=tip)
    return (
        alt.layer(span, *prediction_layers(predictions, lang), dots.add_params(pick), ring)
        .add_params(chosen)
        .properties(height=240, autosize=FIT_WIDTH)
    )


def with_window(spec: Mapping[str, Any], window: int) -> dict[str, Any]:
    """A copy of a `window_picker_chart` spec (a dict) with window `window` marked."""
    params = [
        {**p, "value": int(window)} if p.get("name") == CHOSEN else p
        for p in spec.get("params", [])
    ]
    return {**spec, "params": params}


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
                axis=log_axis(losses.loss),
                title=t(lang, "chart.title.mse_log"),
            ),
            color=alt.Color(
                "split:N",
                scale=SPLIT_SCALE,
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
    short = labels(lang, "split_short", SPLITS)  # under a 32 px bar: "训练", not "训练集"
    models = labels(lang, "model", CHART_MODELS)
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
                axis=alt.Axis(labelExpr=label_expr(short), labelAngle=0),
            ),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(labelLimit=48)),
            color=alt.Color("split:N", scale=SPLIT_SCALE, legend=None),
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


def errors_table(metrics: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`metrics` with its model and split keys in `lang`'s words (the errors table)."""
    return metrics.assign(
        model=metrics.model.map(labels(lang, "model", CHART_MODELS)),
        split=metrics.split.map(labels(lang, "split", SPLITS)),
    ).reset_index(drop=True)
