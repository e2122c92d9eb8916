"""The Gradients view's chart: gradient norm per time step."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    MODELS,
    label_fields,
    label_tip,
    labels,
    legend,
    model_color,
)
from playground.i18n import t


STAGES = ("init", "trained")  # weights a gradient is taken at


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
