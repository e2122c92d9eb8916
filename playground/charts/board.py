"""The class board's chart: each entry's held-out error against a setting the instructor
picks, coloured by model, in type large enough for a projector."""

from __future__ import annotations

import altair as alt
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    CHART_MODELS,
    label_expr,
    label_fields,
    label_tip,
    labels,
    log_axis,
    model_color,
)
from playground.config import PARAM_BY_NAME
from playground.i18n import t

PROJECTOR_FONT = 16  # px of axis and legend text: readable from the back of a room
POINT_PADDING_PX = 12  # room at the ends of a number axis for a point's disc


def choice_labels(lang: str, setting: str) -> dict[str, str]:
    """Each choice of a choice setting (model, signal) in `lang`'s words."""
    if setting == "model":
        return labels(lang, "model", CHART_MODELS)
    return {c: t(lang, f"choice.{setting}.{c}") for c in PARAM_BY_NAME[setting].choices}


def board_chart(table: pd.DataFrame, setting: str, metric: str, lang: str = "en") -> alt.Chart:
    """Points of `table` (a board's standings: name, model, score and one column per
    setting): x the setting `setting` (its choices for a choice setting, a log axis for
    the learning rate, else a number axis), y the board's held-out `metric` (a log
    scale: a room's errors span decades)."""
    param = PARAM_BY_NAME[setting]
    label = t(lang, f"param.{setting}.label")
    shown = table.loc[table.score.notna(), list(dict.fromkeys(["name", "model", "score", setting]))]
    y_title = t(lang, "board.chart.error", metric=t(lang, f"chart.metric.{metric}"))
    chart = label_fields(alt.Chart(shown), model=labels(lang, "model", CHART_MODELS))
    if param.choices:
        choices = choice_labels(lang, setting)
        if setting != "model":  # the model's labels are there already
            chart = label_fields(chart, **{setting: choices})
        x = alt.X(f"{setting}:N", title=label, axis=alt.Axis(labelExpr=label_expr(choices)))
        x_tip = label_tip(setting, label)
    else:
        # Padding: a point at the largest value (hidden size 128) is not cut in half.
        kind = {"type": "log"} if param.steps else {"zero": False}
        scale = alt.Scale(padding=POINT_PADDING_PX, **kind)
        axis = log_axis(shown[setting]) if param.steps else alt.Axis()
        x = alt.X(f"{setting}:Q", title=label, scale=scale, axis=axis)
        x_tip = alt.Tooltip(f"{setting}:Q", title=label)
    return (
        chart.mark_circle(size=160, opacity=0.8)
        .encode(
            x=x,
            y=alt.Y(
                "score:Q", title=y_title, scale=alt.Scale(type="log"), axis=log_axis(shown.score)
            ),
            color=model_color(lang, table),
            tooltip=[
                alt.Tooltip("name:N", title=t(lang, "board.column.name")),
                label_tip("model", t(lang, "chart.title.model")),
                x_tip,
                alt.Tooltip("score:Q", format=".4f", title=y_title),
            ],
        )
        .properties(height=360, autosize=FIT_WIDTH)
        .configure_axis(labelFontSize=PROJECTOR_FONT, titleFontSize=PROJECTOR_FONT + 2)
        .configure_legend(labelFontSize=PROJECTOR_FONT, titleFontSize=PROJECTOR_FONT)
    )
