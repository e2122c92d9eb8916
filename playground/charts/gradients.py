"""The Gradients view's chart: gradient norm per time step."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    CHART_MODELS,
    STAGES,
    label_fields,
    label_tip,
    labels,
    legend,
    log_axis,
    model_color,
    stacked_legends,
    step_axis,
)
from playground.i18n import t


STAGE_DASHES = [[5, 4], [1, 0]]  # initial dashed, trained solid
STAGE_OPACITY = [0.55, 1.0]  # initial fainter


def stage_encodings(lang: str) -> dict[str, alt.StrokeDash | alt.Opacity]:
    """The weights a line was taken at: initial dashed and fainter, trained solid, in one
    legend (the same field and title for dash and opacity) drawn with line samples."""
    title = t(lang, "chart.title.weights")
    stage_legend = legend(
        labels(lang, "stage", STAGES), symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400
    )
    common = {"sort": list(STAGES), "title": title, "legend": stage_legend}
    return {
        "strokeDash": alt.StrokeDash(
            "stage:O", scale=alt.Scale(domain=list(STAGES), range=STAGE_DASHES), **common
        ),
        "opacity": alt.Opacity(
            "stage:O", scale=alt.Scale(domain=list(STAGES), range=STAGE_OPACITY), **common
        ),
    }


def gradient_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """‖∂L/∂h_t‖ per whole time step, log scale; colour = model; initial weights dashed
    and fainter, trained solid, in one legend drawn with line samples. Lines only: a line
    with point overlays draws its legend's samples as dots, the same for both stages."""
    names = {"model": labels(lang, "model", CHART_MODELS), "stage": labels(lang, "stage", STAGES)}
    chart = (
        label_fields(alt.Chart(frame), **names)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("step:Q", title=t(lang, "chart.title.grad_step"), axis=step_axis()),
            y=alt.Y(
                "grad_norm:Q",
                scale=alt.Scale(type="log"),
                axis=log_axis(frame.grad_norm),
                title=t(lang, "chart.title.grad_norm_log"),
            ),
            color=model_color(lang, frame),
            **stage_encodings(lang),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                label_tip("stage", t(lang, "chart.title.weights")),
                alt.Tooltip("step:Q", title=t(lang, "chart.title.time_step")),
                alt.Tooltip("grad_norm:Q", format=".3e", title=t(lang, "chart.title.grad_norm")),
            ],
        )
        .properties(height=280, autosize=FIT_WIDTH)
    )
    return stacked_legends(chart)


def update_chart(frame: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """The size of each training update per epoch (log scale), one line per clipping
    limit (views.gradients.update_frame): with Adam the lines start together, with SGD
    clipping holds the clipped run's updates at or below learning rate × limit."""
    limits = sorted(frame.clipping.unique())
    names = {
        c: t(lang, "chart.clip.none") if c == 0 else t(lang, "chart.clip.at", clip=c)
        for c in limits
    }
    shown = frame.assign(clip_label=frame.clipping.map(names))
    order = [names[c] for c in limits]
    chart = (
        alt.Chart(shown)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("epoch:Q", title=t(lang, "chart.title.epoch")),
            y=alt.Y(
                "update_size:Q",
                scale=alt.Scale(type="log"),
                axis=log_axis(frame.update_size),
                title=t(lang, "chart.title.update_size_log"),
            ),
            color=alt.Color("clip_label:N", sort=order, title=t(lang, "chart.title.clipping")),
            strokeDash=alt.StrokeDash(
                "clip_label:N",
                sort=order,
                legend=None,
                scale=alt.Scale(domain=order, range=[[1, 0], [5, 4]][: len(order)]),
            ),
            tooltip=[
                alt.Tooltip("clip_label:N", title=t(lang, "chart.title.clipping")),
                alt.Tooltip("epoch:Q", title=t(lang, "chart.title.epoch")),
                alt.Tooltip(
                    "update_size:Q", format=".3e", title=t(lang, "chart.title.update_size")
                ),
            ],
        )
        .properties(height=240, autosize=FIT_WIDTH)
    )
    return chart
