"""The cell view's inputs chart (the chosen step marked) and its equations in LaTeX,
general and with one unit's numbers (see charts/cell.py for the diagram)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from playground.charts.labels import step_axis
from playground.charts.svg import (
    gate_name,  # noqa: F401  (drawing pieces)
    INPUT_COLOR,
    MARK_COLOR,
    STEP_PARAM,
    number,
)
from playground.i18n import t
from playground.pipeline.cell_step import (
    GateTerms,
    UnitArithmetic,
)


# ---- The window's inputs, the chosen step marked ---------------------------------------
def step_chart(inputs: pd.DataFrame, lang: str = "en", step: int = 1) -> alt.LayerChart:
    """The window's inputs (step, t, value) with step `step` marked (a rule and a dot).
    The step is the Vega param STEP_PARAM: `with_step` moves the mark on a built spec."""
    chosen = alt.param(name=STEP_PARAM, value=int(step))
    steps = len(inputs)
    x = alt.X(
        "step:Q",
        title=t(lang, "chart.title.time_step"),
        scale=alt.Scale(nice=False, domain=[0.5, steps + 0.5]),
        axis=step_axis(values=list(range(1, steps + 1)) if steps <= 20 else alt.Undefined),
    )
    y = alt.Y("value:Q", title=t(lang, "chart.title.input"), scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("step:Q", title=t(lang, "chart.title.time_step")),
        alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
        alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.input")),
    ]
    base = alt.Chart(inputs).encode(x=x)
    line = base.mark_line(point=alt.OverlayMarkDef(color=INPUT_COLOR), color=INPUT_COLOR).encode(
        y=y, tooltip=tooltip
    )
    picked = base.transform_filter(f"datum.step == {STEP_PARAM}")
    rule = picked.mark_rule(color=MARK_COLOR, strokeWidth=2, opacity=0.6)
    dot = picked.mark_point(filled=True, size=140, color=MARK_COLOR, opacity=1).encode(
        y=y, tooltip=tooltip
    )
    return (
        alt.layer(line, rule, dot)
        .add_params(chosen)
        .properties(height=110, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def with_step(spec: Mapping[str, Any], step: int) -> dict[str, Any]:
    """A copy of a `step_chart` spec (a dict) with the mark on `step`."""
    params = [
        {**p, "value": int(step)} if p.get("name") == STEP_PARAM else p
        for p in spec.get("params", [])
    ]
    return {**spec, "params": params}


# ---- Equations -------------------------------------------------------------------------
EQUATIONS: dict[str, str] = {
    "lstm": r"""\begin{aligned}
i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
h_t &= o_t \odot \tanh(c_t)
\end{aligned}""",
    "gru": r"""\begin{aligned}
r_t &= \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
z_t &= \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
n_t &= \tanh\big(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})\big) \\
h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
\end{aligned}""",
    "rnn": r"""h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})""",
}


def equations_latex(kind: str) -> str:
    """The cell's equations as PyTorch computes them (LaTeX)."""
    return EQUATIONS[kind]


def _tex(value: float, digits: int = 3) -> str:
    value = float(value)
    if not math.isfinite(value):
        return r"\text{NaN}" if math.isnan(value) else (r"\infty" if value > 0 else r"-\infty")
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def _factor(value: float) -> str:
    """A number as a factor of a product: negatives in parentheses."""
    text = _tex(value)
    return f"({text})" if text.startswith("-") else text


def _signed_sum(values: Sequence[float]) -> str:
    """`a + b - c` from [a, b, -c]."""
    out = _tex(values[0])
    for v in values[1:]:
        text = _tex(v)
        out += f" - {text[1:]}" if text.startswith("-") else f" + {text}"
    return out


def _w(kind: str, side: str, gate: str) -> str:
    """PyTorch's name of a weight or bias block: W_if, b_hn; the RNN's W_ih, W_hh."""
    return f"{side}h" if kind == "rnn" else f"{side}{gate}"


def _gate_lines(a: UnitArithmetic, g: GateTerms) -> list[str]:
    j, fn = a.unit, (r"\sigma" if g.activation == "sigmoid" else r"\tanh")
    wi, wh = _w(a.kind, "i", g.gate), _w(a.kind, "h", g.gate)
    # Every symbol of one unit is written alike, x_t[j] (a gate i_t[30] beside h_t[30],
    # not i_{30}): one subscript each, the unit in brackets.
    lhs = rf"h_t[{j}]" if a.kind == "rnn" else rf"{g.gate}_t[{j}]"
    if len(g.input_terms) == 1:
        x_sym, x_num = (
            rf"W_{{{wi}}}[{j}]\,x_t",
            rf"{_factor(g.w_input[0])} \times {_factor(a.x_t[0])}",
        )
    else:
        x_sym, x_num = rf"\textstyle\sum_k W_{{{wi}}}[{j},k]\,x_t[k]", _tex(g.input_sum)
    h_sym = rf"\textstyle\sum_k W_{{{wh}}}[{j},k]\,h_{{t-1}}[k]"
    bias_i, bias_h = rf"b_{{{wi}}}[{j}]", rf"b_{{{wh}}}[{j}]"
    if g.gate == "n":  # the reset gate scales the recurrent part
        sym = rf"{x_sym} + {bias_i} + r_t[{j}]\,\big({h_sym} + {bias_h}\big)"
        num = (
            rf"{x_num} + {_factor(g.bias_ih)} + {_factor(g.scale)} \times "
            rf"\big({_signed_sum([g.hidden_sum, g.bias_hh])}\big)"
        )
    else:
        sym = rf"{x_sym} + {h_sym} + {bias_i} + {bias_h}"
        num = rf"{x_num} + {_factor(g.hidden_sum)} + {_factor(g.bias_ih)} + {_factor(g.bias_hh)}"
    return [
        rf"{lhs} &= {fn}\big({sym}\big)",
        rf"&= {fn}\big({num}\big) = {fn}({_tex(g.pre)}) = {_tex(g.value)}",
    ]


def unit_latex(a: UnitArithmetic) -> str:
    """Unit `a.unit`'s step written out with its numbers (LaTeX `aligned`): each gate's
    sum, its pre-activation and value, then the new state."""
    j = a.unit
    lines = [line for g in a.gates for line in _gate_lines(a, g)]
    v = {g.gate: g.value for g in a.gates}
    if a.kind == "lstm":
        lines += [
            rf"c_t[{j}] &= f_t[{j}]\,c_{{t-1}}[{j}] + i_t[{j}]\,g_t[{j}] "
            rf"= {_factor(v['f'])} \times {_factor(a.c_prev)} + {_factor(v['i'])} \times "
            rf"{_factor(v['g'])} = {_signed_sum([a.keep, a.write])} = {_tex(a.c_t)}",
            rf"h_t[{j}] &= o_t[{j}] \tanh(c_t[{j}]) = {_factor(v['o'])} \times "
            rf"\tanh({_tex(a.c_t)}) = {_factor(v['o'])} \times {_factor(math.tanh(a.c_t))} "
            rf"= {_tex(a.h_t)}",
        ]
    elif a.kind == "gru":
        lines.append(
            rf"h_t[{j}] &= (1 - z_t[{j}])\,n_t[{j}] + z_t[{j}]\,h_{{t-1}}[{j}] "
            rf"= {_tex(1.0 - v['z'])} \times {_factor(v['n'])} + {_factor(v['z'])} \times "
            rf"{_factor(a.h_prev)} = {_signed_sum([a.write, a.keep])} = {_tex(a.h_t)}"
        )
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def largest_terms_text(a: UnitArithmetic, lang: str = "en", k: int = 3) -> str:
    """Per gate, the `k` largest terms of its sum over h_{t-1} and the units they come
    from, in `lang` (markdown); at step 1, where h_{t-1} is zero, a sentence saying so."""
    if a.step == 1:
        return t(lang, "cell.first_step")
    parts = []
    for g in a.gates:
        terms = t(lang, "cell.list_sep").join(
            t(lang, "cell.term", value=number(v, 3), unit=u) for u, v in g.largest_hidden(k)
        )
        parts.append(t(lang, "cell.gate_terms", gate=gate_name(lang, g.gate), terms=terms))
    return t(lang, "cell.largest", unit=a.unit) + "  \n" + "  \n".join(parts)
