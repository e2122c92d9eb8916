"""The Translate view's pictures: the attention map of one translation, accuracy by input
length with and without attention (spread over seeds), and the loss while training.
Pure: tidy frames and the reader's language in, Altair charts out."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from playground.charts.labels import FIT_WIDTH, LEGEND_ORIENT, label_expr, step_axis
from playground.i18n import t

ATTENTIONS = ("additive", "none")
ATTENTION_COLORS = alt.Scale(domain=list(ATTENTIONS), range=["#1f77b4", "#d62728"])
SPLITS = ("train", "held_out")
SPLIT_COLORS = alt.Scale(domain=list(SPLITS), range=["#1f77b4", "#d62728"])
CELL_PX = 18  # side of one attention cell: a 16-character source fits a phone's width


def shown(c: str) -> str:
    """A character as an axis label: a space as ␣."""
    return "␣" if c == " " else c


def position_labels(frame: pd.DataFrame, pos: str, char: str) -> str:
    """A Vega expression labelling each position of `pos` by its character."""
    chars = frame.drop_duplicates(pos).set_index(pos)[char]
    table = [shown(str(chars.get(i, ""))) for i in range(int(frame[pos].max()) + 1)]
    return f"{json.dumps(table, ensure_ascii=False)}[datum.value]"


def attention_chart(attention: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Heatmap of `translate`'s attention frame (source_pos, source_char, output_pos,
    output_char, weight): source characters along x, output characters down y, darker
    where an output character looked."""
    source_title = t(lang, "translate.chart.source")
    output_title = t(lang, "translate.chart.output")
    weight_title = t(lang, "translate.chart.weight")
    frame = attention.assign(
        source_shown=attention.source_char.map(shown),
        output_shown=attention.output_char.map(shown),
    )
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X(
                "source_pos:O",
                title=source_title,
                axis=alt.Axis(
                    labelExpr=position_labels(frame, "source_pos", "source_char"),
                    labelAngle=0,
                    labelOverlap=False,  # every character named
                ),
            ),  # fmt: skip
            y=alt.Y(
                "output_pos:O",
                title=output_title,
                axis=alt.Axis(
                    labelExpr=position_labels(frame, "output_pos", "output_char"),
                    labelOverlap=False,
                ),
            ),
            color=alt.Color(
                "weight:Q",
                title=weight_title,
                scale=alt.Scale(domain=[0, 1], scheme="blues"),
                legend=alt.Legend(orient="bottom"),  # under the map: no width of its own
            ),
            tooltip=[
                alt.Tooltip("source_shown:N", title=source_title),
                alt.Tooltip("output_shown:N", title=output_title),
                alt.Tooltip("weight:Q", title=weight_title, format=".3f"),
            ],
        )
        .properties(width=alt.Step(CELL_PX), height=alt.Step(CELL_PX))
    )


def attention_labels(lang: str) -> dict[str, str]:
    """Key -> legend label of each attention setting."""
    return {a: t(lang, f"translate.attention.{a}") for a in ATTENTIONS}


def length_chart(lengths: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Held-out exact match by source length (`probe.length_frame`: attention, seed,
    length, pairs, exact, char_accuracy): a line per attention setting through the mean
    over seeds, a band from the lowest to the highest seed."""
    length_title = t(lang, "translate.chart.length")
    exact_title = t(lang, "translate.chart.exact")
    color = alt.Color(
        "attention:N",
        scale=ATTENTION_COLORS,
        title=t(lang, "translate.chart.attention"),
        legend=alt.Legend(labelExpr=label_expr(attention_labels(lang)), orient=LEGEND_ORIENT),
    )
    x = alt.X("length:Q", title=length_title, axis=step_axis())
    base = alt.Chart(lengths).encode(x=x, color=color)
    band = base.mark_area(opacity=0.2).encode(
        y=alt.Y("min(exact):Q", title=exact_title, scale=alt.Scale(domain=[0, 1])),
        y2="max(exact):Q",
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean(exact):Q", title=exact_title),
        tooltip=[
            alt.Tooltip("length:Q", title=length_title),
            alt.Tooltip("mean(exact):Q", title=exact_title, format=".0%"),
        ],
    )
    return alt.layer(band, line).properties(height=260, autosize=FIT_WIDTH)


def translate_loss_chart(losses: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Cross-entropy per character (nats) per epoch, train and held-out
    (`TranslateResult.losses`: epoch, split, loss)."""
    names = {s: t(lang, f"translate.split.{s}") for s in SPLITS}
    epoch_title, loss_title = t(lang, "translate.chart.epoch"), t(lang, "translate.chart.loss")
    return (
        alt.Chart(losses)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title=epoch_title, axis=step_axis()),
            y=alt.Y("loss:Q", title=loss_title, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "split:N",
                scale=SPLIT_COLORS,
                title=t(lang, "translate.chart.split"),
                legend=alt.Legend(labelExpr=label_expr(names), orient=LEGEND_ORIENT),
            ),
            tooltip=[
                alt.Tooltip("epoch:Q", title=epoch_title),
                alt.Tooltip("loss:Q", title=loss_title, format=".4f"),
            ],
        )
        .properties(height=260, autosize=FIT_WIDTH)
    )
