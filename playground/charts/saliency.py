"""What a prediction depends on: |∂ŷ/∂x_{t−k}| per input step, per model (the Gradients
view's window) and on the Long memory task (the cue marked)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.gradients import STAGES, stage_encodings
from playground.charts.labels import (
    FIT_WIDTH,
    CHART_MODELS,
    label_fields,
    label_tip,
    labels,
    log_axis,
    model_color,
    stacked_legends,
    step_axis,
)
from playground.i18n import t

# Steps back run right to left (k = 0, the last input, at the right), so time runs left to
# right as in the gradient chart beside it.
LAG_SCALE = alt.Scale(reverse=True, nice=False, zero=False)


def lag_x(lang: str) -> alt.X:
    return alt.X(
        "lag:Q", scale=LAG_SCALE, axis=step_axis(), title=t(lang, "chart.title.saliency_lag")
    )


def log_y(lang: str, values) -> alt.Y:
    """|∂ŷ/∂x| on a log scale, labelled at decades (or 1-2-5) over `values`."""
    return alt.Y(
        "saliency:Q",
        scale=alt.Scale(type="log"),
        axis=log_axis(values),
        title=t(lang, "chart.title.saliency_log"),
    )


def saliency_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """|∂ŷ/∂x_{t−k}| of one window's prediction over the lag k, one line per model, log
    scale (zeros, which a log scale cannot show, left out)."""
    chart = (
        label_fields(alt.Chart(frame), model=labels(lang, "model", CHART_MODELS))
        .transform_filter(alt.datum.saliency > 0)
        .mark_line(point=alt.OverlayMarkDef(size=30), strokeWidth=2)
        .encode(
            x=lag_x(lang),
            y=log_y(lang, frame.saliency),
            color=model_color(lang, frame),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                alt.Tooltip("lag:Q", title=t(lang, "chart.title.saliency_k")),
                alt.Tooltip("saliency:Q", format=".3e", title=t(lang, "chart.title.saliency")),
            ],
        )
        .properties(height=260, autosize=FIT_WIDTH)
    )
    return stacked_legends(chart)


def recall_saliency_chart(saliency: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """The recall task at its longest lag in `saliency` (memory_runs' frame): the median
    over seeds of |∂ŷ/∂x_{t−k}| per model, initial weights dashed and fainter, trained
    solid; each seed's trained value on the cue as a dot; a rule at the cue."""
    task_lag = int(saliency.task_lag.max())
    at = saliency[(saliency.task_lag == task_lag) & (saliency.saliency > 0)]
    medians = at.groupby(["model", "stage", "lag"], as_index=False).saliency.median()
    cue = at[at.cue & (at.stage == "trained")][["model", "seed", "lag", "saliency"]]
    stages = labels(lang, "stage", STAGES)
    title = t(lang, "chart.title.weights")
    model_labels = labels(lang, "model", CHART_MODELS)
    lines = (
        label_fields(alt.Chart(medians), model=model_labels, stage=stages)
        .mark_line(strokeWidth=2)
        .encode(
            x=lag_x(lang),
            y=log_y(lang, at.saliency),
            color=model_color(lang, medians),
            **stage_encodings(lang),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                label_tip("stage", title),
                alt.Tooltip("lag:Q", title=t(lang, "chart.title.saliency_k")),
                alt.Tooltip(
                    "saliency:Q", format=".3e", title=t(lang, "chart.title.saliency_median")
                ),
            ],
        )
    )
    dots = (
        label_fields(alt.Chart(cue), model=model_labels)
        .mark_circle(size=45, opacity=0.7)
        .encode(
            x=lag_x(lang),
            y=log_y(lang, at.saliency),
            color=model_color(lang, cue),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                alt.Tooltip("seed:Q", title=t(lang, "chart.title.seed")),
                alt.Tooltip("saliency:Q", format=".3f", title=t(lang, "chart.title.saliency")),
            ],
        )
    )
    mark = pd.DataFrame({"lag": [task_lag], "text": [t(lang, "chart.title.cue")]})
    rule = alt.Chart(mark).mark_rule(strokeDash=[4, 3], color="#555555").encode(x=lag_x(lang))
    # Written above the plot, where no line or dot can cover it (the trained cells'
    # dots sit at the top of the plot, on the cue).
    text = (
        alt.Chart(mark)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-4, color="#555555", fontSize=11)
        .encode(x=lag_x(lang), y=alt.value(0), text="text:N")
    )
    chart = alt.layer(lines, dots, rule, text).properties(height=280, autosize=FIT_WIDTH)
    return stacked_legends(chart)
