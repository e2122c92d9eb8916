"""The Text view's pictures: bits per character while training against the baselines,
the next character's probabilities, one unit's output coloured over the text, and the
player of the samples written during training. Pure: frames and the reader's language
in, Altair charts or self-contained HTML out."""

from __future__ import annotations

import html
import json
import re

import altair as alt
import numpy as np
import pandas as pd

from playground.charts.labels import FIT_WIDTH, LEGEND_ORIENT, label_expr, step_axis
from playground.charts.replay import TEMPLATE as REPLAY_TEMPLATE
from playground.i18n import t

BASELINES = ("unigram", "bigram")
LINES = ("train", "test", *BASELINES)  # the loss chart's lines, in legend order
LINE_COLORS = alt.Scale(domain=list(LINES), range=["#1f77b4", "#d62728", "#8c8c8c", "#ff7f0e"])
TOP_CHARS = 10  # bars of the next-character chart


def line_labels(lang: str, model: str) -> dict[str, str]:
    """Key -> legend label of each line of the loss chart."""
    net = model.upper()
    return {
        "train": f"{net} · {t(lang, 'text.split.train')}",
        "test": f"{net} · {t(lang, 'text.split.test')}",
        **{b: t(lang, f"text.baseline.{b}") for b in BASELINES},
    }


def loss_frame(losses: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """epoch, line, loss: the network's lines per split and, across the same epochs,
    each baseline's test loss (flat: it does not train)."""
    net = losses.rename(columns={"split": "line"})[["epoch", "line", "loss"]]
    first, last = int(losses.epoch.min()), int(losses.epoch.max())
    test = metrics[metrics.split == "test"].set_index("model").loss
    flat = pd.DataFrame(
        [(e, b, float(test[b])) for b in BASELINES for e in (first, last)],
        columns=["epoch", "line", "loss"],
    )
    return pd.concat([net, flat], ignore_index=True)


def text_loss_chart(
    losses: pd.DataFrame, metrics: pd.DataFrame, model: str, lang: str = "en"
) -> alt.Chart:
    """Bits per character per epoch, train and test, with the baselines dashed."""
    frame = loss_frame(losses, metrics)
    frame["baseline"] = frame.line.isin(BASELINES)
    names = line_labels(lang, model)
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title=t(lang, "chart.text.epoch"), axis=step_axis()),
            y=alt.Y("loss:Q", title=t(lang, "chart.text.bits"), scale=alt.Scale(zero=True)),
            color=alt.Color(
                "line:N",
                scale=LINE_COLORS,
                title=t(lang, "chart.text.line"),
                legend=alt.Legend(
                    labelExpr=label_expr(names), orient=LEGEND_ORIENT, columns=2, labelLimit=320
                ),
            ),
            strokeDash=alt.StrokeDash("baseline:N", legend=None),
            tooltip=[
                alt.Tooltip("epoch:Q", title=t(lang, "chart.text.epoch")),
                alt.Tooltip("loss:Q", title=t(lang, "chart.text.bits"), format=".3f"),
            ],
        )
        .properties(height=280, autosize=FIT_WIDTH)
    )


def shown_char(c: str, lang: str) -> str:
    """A character as a label: a space or line end in words."""
    if c == " ":
        return f"␣ ({t(lang, 'chart.text.space')})"
    if c == "\n":
        return f"↵ ({t(lang, 'chart.text.newline')})"
    if c == "\t":
        return "⇥"
    return c


def next_char_chart(probs: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """The TOP_CHARS likeliest next characters (probs: char, p) as bars, likeliest on
    top. The order is the spec's (bars sorted by p), not the data's: the page swaps a
    chart's data in place when the start changes, and a domain in data order kept the
    old start's order (a space at p = 0.94 drawn seventh). The p axis runs from 0 to
    the largest odds (rounded up), not always to 1."""
    top = probs.nlargest(TOP_CHARS, "p", keep="first").copy()
    top["shown"] = [shown_char(c, lang) for c in top.char]
    return (
        alt.Chart(top)
        .mark_bar(color="#1f77b4")
        .encode(
            x=alt.X(
                "p:Q",
                title=t(lang, "chart.text.p"),
                scale=alt.Scale(domain=[0, odds_end(top.p.max())]),
            ),
            y=alt.Y(
                "shown:N",
                title=t(lang, "chart.text.char"),
                sort=alt.EncodingSortField("p", op="max", order="descending"),
            ),
            tooltip=[
                alt.Tooltip("shown:N", title=t(lang, "chart.text.char")),
                alt.Tooltip("p:Q", title=t(lang, "chart.text.p"), format=".3f"),
            ],
        )
        .properties(height=24 * len(top) + 20, autosize=FIT_WIDTH)
    )


def odds_end(largest: float) -> float:
    """The p axis's end: the largest odds rounded up to a tenth (0.2 for 0.13), at
    most 1; 0.1 when there are none."""
    if not np.isfinite(largest) or largest <= 0:
        return 0.1
    return float(min(1.0, np.ceil(round(largest * 10, 9)) / 10))


def unit_color(value: float, scale: float) -> str:
    """Red for positive, blue for negative output, stronger the larger |value| / scale."""
    a = 0.0 if scale <= 0 else min(abs(value) / scale, 1.0)
    rgb = "214,39,40" if value > 0 else "31,119,180"
    return f"rgba({rgb},{a:.2f})"


def unit_html(text: str, values: np.ndarray) -> str:
    """`text` with each character's background coloured by `values` (one per
    character; tanh-like outputs in -1..1 are scaled to the largest |value|), as HTML
    safe to embed: the characters escaped, line ends kept, a tooltip per character."""
    if len(values) != len(text):
        raise ValueError(f"{len(values)} values for {len(text)} characters")
    scale = float(np.max(np.abs(values))) if len(values) else 0.0
    spans = []
    for c, v in zip(text, values):
        shown = "↵<br>" if c == "\n" else html.escape(c)
        spans.append(
            f'<span title="{float(v):+.2f}" style="background:{unit_color(float(v), scale)}">'
            f"{shown}</span>"
        )
    return (
        '<div style="font-family:monospace;line-height:1.6;white-space:pre-wrap">'
        + "".join(spans)
        + "</div>"
    )


# The Train tab's replay player's look (its <style>, from replay.html), so both players
# of the page look alike: the same button, scrubber and epoch label.
PLAYER_STYLE = re.search(r"<style>(.*?)</style>", REPLAY_TEMPLATE, re.S).group(1)
_PLAYER = """<!doctype html><html lang="__LANG__"><head><meta charset="utf-8"><style>
__STYLE__
#s{font-family:monospace;white-space:pre-wrap;border:1px solid rgba(49,51,63,0.2);
border-radius:8px;padding:8px;min-height:5em;background:#fff}
</style></head><body>
<div class="bar"><button id="p" type="button">&#9654; __PLAY__</button>
<input id="r" type="range" min="0" max="__MAX__" value="__MAX__" step="1" aria-label="__EPOCH__">
<span id="e" class="epoch"></span></div><div id="s"></div>
<script>
const D=__DATA__;const r=document.getElementById('r'),s=document.getElementById('s'),
e=document.getElementById('e'),p=document.getElementById('p');let timer=null;
function show(i){r.value=i;e.textContent=D.labels[i];s.textContent=D.samples[i];}
function stop(){clearInterval(timer);timer=null;p.textContent='\u25b6 '+D.play;}
p.onclick=()=>{if(timer){stop();return;}let i=+r.value>=D.samples.length-1?0:+r.value;
show(i);p.textContent='\u23f8 '+D.pause;
timer=setInterval(()=>{i+=1;if(i>=D.samples.length){stop();return;}show(i);},900);};
r.oninput=()=>{stop();show(+r.value);};show(D.samples.length-1);
</script></body></html>"""


def snapshot_player(snapshots: pd.DataFrame, lang: str = "en") -> str:
    """A self-contained HTML player of the samples written during training (epoch,
    sample): Play steps through the epochs, the slider picks one; it opens on the last."""
    data = {
        "samples": snapshots["sample"].tolist(),
        "labels": [t(lang, "text.snapshots.epoch", epoch=int(e)) for e in snapshots.epoch],
        "play": t(lang, "text.play"),
        "pause": t(lang, "text.pause"),
    }
    blob = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return (
        _PLAYER.replace("__STYLE__", PLAYER_STYLE)
        .replace("__LANG__", "zh-Hans" if lang == "zh" else "en")
        .replace("__PLAY__", html.escape(data["play"]))
        .replace("__EPOCH__", html.escape(t(lang, "chart.text.epoch")))
        .replace("__MAX__", str(max(len(snapshots) - 1, 0)))
        .replace("__DATA__", blob)
    )


ROLES = ("adjective", "aside", "negation")
ROLE_COLORS = alt.Scale(domain=list(ROLES), range=["#1f77b4", "#8c8c8c", "#d62728"])
SWEEP_COLORS = alt.Scale(domain=["rnn", "lstm", "gru"], range=["#d62728", "#1f77b4", "#2ca02c"])


def saliency_chart(saliency: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """|∂logit/∂word| per position before the end (position, role, saliency) as bars."""
    names = {r: t(lang, f"text.role.{r}") for r in ROLES}
    return (
        alt.Chart(saliency)
        .mark_bar()
        .encode(
            x=alt.X(
                "position:O",
                title=t(lang, "chart.text.position"),
                sort="descending",
                axis=alt.Axis(labelAngle=0),  # short numbers: upright, not turned 90°
            ),
            y=alt.Y("saliency:Q", title=t(lang, "chart.text.saliency")),
            color=alt.Color(
                "role:N",
                scale=ROLE_COLORS,
                title=t(lang, "chart.text.role"),
                legend=alt.Legend(labelExpr=label_expr(names), orient=LEGEND_ORIENT),
            ),
            tooltip=[
                alt.Tooltip("position:O", title=t(lang, "chart.text.position")),
                alt.Tooltip("saliency:Q", title=t(lang, "chart.text.saliency"), format=".3f"),
            ],
        )
        .properties(height=220, autosize=FIT_WIDTH)
    )


def sweep_chart(sweep: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Test accuracy per model over the gap: the mean over seeds as a line, each seed
    as a dot (the spread)."""
    names = {m: t(lang, f"choice.model.{m}") for m in ("rnn", "lstm", "gru")}
    color = alt.Color(
        "model:N",
        scale=SWEEP_COLORS,
        title=t(lang, "chart.text.model"),
        legend=alt.Legend(labelExpr=label_expr(names), orient=LEGEND_ORIENT),
    )
    x = alt.X("gap:Q", title=t(lang, "param.gap.label"), axis=step_axis())
    y = alt.Y("accuracy:Q", title=t(lang, "chart.text.accuracy"), scale=alt.Scale(domain=[0.4, 1]))
    base = alt.Chart(sweep)
    dots = base.mark_circle(size=50, opacity=0.6).encode(
        x=x, y=y, color=color, tooltip=["model:N", "gap:Q", "seed:Q", "accuracy:Q"]
    )
    line = base.mark_line().encode(x=x, y=alt.Y("mean(accuracy):Q"), color=color)
    return alt.layer(line, dots).properties(height=260, autosize=FIT_WIDTH)


def cells_chart(frame: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Test bits per character per cell: each seed a dot, the mean a tick (model, seed,
    loss)."""
    names = {m: t(lang, f"choice.model.{m}") for m in ("rnn", "lstm", "gru")}
    x = alt.X(
        "model:N",
        title=t(lang, "chart.text.model"),
        sort=["rnn", "lstm", "gru"],
        axis=alt.Axis(labelExpr=label_expr(names), labelAngle=0),
    )
    y = alt.Y("loss:Q", title=t(lang, "chart.text.test_bits"), scale=alt.Scale(zero=False))
    color = alt.Color("model:N", scale=SWEEP_COLORS, legend=None)
    base = alt.Chart(frame)
    dots = base.mark_circle(size=70, opacity=0.7).encode(
        x=x, y=y, color=color, tooltip=["model:N", "seed:Q", alt.Tooltip("loss:Q", format=".3f")]
    )
    mean = base.mark_tick(thickness=3, size=40).encode(x=x, y=alt.Y("mean(loss):Q"), color=color)
    return alt.layer(dots, mean).properties(height=240, autosize=FIT_WIDTH)
