"""The "step through one cell" pictures: the cell drawn as the diagram learners know
(colah's) with one hidden unit's numbers in it, and the most active units side by side
(the inputs chart and the equations: cell_text.py). Self-contained SVG strings on a
viewBox at width 100%; one diverging colour scale around 0, the heatmap's. Pure
functions of a `pipeline.cell_step.CellStep`, a unit and the reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from playground.charts.svg import (  # noqa: F401  (drawing pieces)
    gate_name,
    BOX_H,
    BOX_TOP,
    BOX_W,
    CELL_FILL,
    CELL_STROKE,
    INK,
    INPUT_COLOR,
    LINE,
    MARK_COLOR,
    MINUS,
    MUTED,
    STEP_PARAM,
    WIDTH,
    _arrow,
    _box,
    _dot,
    _legend,
    _limit,
    _op,
    _pill,
    _svg,
    _text,
    _tip,
    colour,
    ink,
    number,
)
from playground.i18n import t
from playground.pipeline.cell_step import (
    TOP_UNITS,
    CellStep,
    top_units,
    unit_arithmetic,
)


# ---- The cell diagram ------------------------------------------------------------------
def _gate_box(step: CellStep, unit: int, gate: str, cx: float, lang: str) -> str:
    value, pre = float(step.value[gate][unit]), float(step.pre[gate][unit])
    fn = "tanh" if gate in ("g", "n", "h") else "σ"
    tip = t(lang, f"cell.tip.{gate}", pre=number(pre, 4), value=number(value, 4))
    return _box(cx, gate_name(lang, gate), value, pre, fn, tip)


def _x_pill(step: CellStep, lang: str, cx: float = 150, cy: float = 372) -> str:
    """x_t below the cell: the scaled input (layer 1) or the layer below's h_t."""
    if step.x_signal is not None:
        x = float(step.x_t[0])
        tip = t(lang, "cell.tip.x", value=number(x, 4), signal=number(step.x_signal, 4))
        note = t(lang, "cell.svg.signal", value=number(step.x_signal))
        return _pill(cx, cy, "x_{t}", x, 1.0, tip) + _text(
            cx + 46, cy + 5, note, 11.5, "start", fill=MUTED
        )
    below = t(lang, "cell.svg.from_below", layer=step.layer)
    return (
        f"<g>{_tip(below)}"
        f'<rect x="{cx - 38}" y="{cy - 20}" width="76" height="40" rx="9" fill="#ffffff" '
        f'stroke="{INK}" stroke-width="1.2"/>{_text(cx, cy + 5, "x_{t}", 13)}</g>'
        + _text(cx + 46, cy + 5, below, 11.5, "start", fill=MUTED)
    )


def cell_svg(step: CellStep, unit: int, lang: str = "en") -> str:
    """The cell of `step` drawn as colah's diagram, every box and state holding unit
    `unit`'s number at this step, coloured by its value (the scale is drawn in it)."""
    if not 0 <= unit < step.hidden_size:
        raise ValueError(f"unit {unit} outside 0..{step.hidden_size - 1}")
    title = t(
        lang,
        "cell.svg.title",
        model=step.kind.upper(),
        layer=step.layer + 1,
        layers=step.num_layers,
        step=step.step,
        steps=step.n_steps,
        unit=unit,
    )
    draw = {"lstm": _lstm_body, "gru": _gru_body, "rnn": _rnn_body}[step.kind]
    body = [
        _text(12, 24, title, 15, "start", bold=True),
        f'<rect x="92" y="44" width="{WIDTH - 184}" height="270" rx="16" fill="{CELL_FILL}" '
        f'stroke="{CELL_STROKE}" stroke-width="1.5"/>',
        *draw(step, unit, lang),
        _x_pill(step, lang),
        _legend(WIDTH - 176, 364, lang),
    ]
    return _svg(412, body, title)


def _state_tip(lang: str, key: str, value: float) -> str:
    return t(lang, f"cell.state.{key}") + f" = {number(value, 4)}"


def _lstm_body(step: CellStep, unit: int, lang: str) -> list[str]:
    v = {g: float(step.value[g][unit]) for g in step.gates}
    c_prev, c_t = float(step.c_prev[unit]), float(step.c_t[unit])
    h_prev, h_t = float(step.h_prev[unit]), float(step.h_t[unit])
    limit = _limit([c_prev, c_t])
    tanh_c = math.tanh(c_t)
    cx = {"f": 200, "i": 290, "g": 380, "o": 480}
    top, bus, c_line, out_x = BOX_TOP, 290, 80, 575
    return [
        # the cell state's line, through forget (×) and write (+)
        _arrow([(86, c_line), (cx["f"] - 14, c_line)], head=False),
        _arrow([(cx["f"] + 14, c_line), (cx["g"] - 14, c_line)], head=False),
        _arrow([(cx["g"] + 14, c_line), (WIDTH - 88, c_line)]),
        # [h_{t-1}, x_t] into every gate
        _arrow([(86, bus), (cx["o"], bus)], head=False),
        _arrow([(150, 352), (150, bus)], head=False),
        _dot(150, bus),
        *(_arrow([(x, bus), (x, top + BOX_H + 1)]) for x in cx.values()),
        *(_dot(x, bus) for x in list(cx.values())[:-1]),
        # f -> ×; i, g -> × -> +; o, tanh(c) -> × -> h_t
        _arrow([(cx["f"], top), (cx["f"], c_line + 15)]),
        _arrow([(cx["i"], top), (cx["i"], 130), (cx["g"] - 15, 130)]),
        _arrow([(cx["g"], top), (cx["g"], 145)]),
        _arrow([(cx["g"], 116), (cx["g"], c_line + 15)]),
        _dot(out_x, c_line),
        _arrow([(out_x, c_line), (out_x, 131)]),
        _arrow([(out_x, 159), (out_x, 197)]),
        _arrow([(cx["o"] + BOX_W / 2, 211), (out_x - 15, 211)]),
        _arrow([(out_x, 225), (out_x, bus), (WIDTH - 88, bus)]),
        _op(cx["f"], c_line, "×", t(lang, "cell.tip.keep")),
        _op(cx["g"], 130, "×", t(lang, "cell.tip.write")),
        _op(cx["g"], c_line, "+"),
        _op(out_x, 211, "×"),
        f'<ellipse cx="{out_x}" cy="145" rx="26" ry="14" fill="#ffffff" stroke="{LINE}" '
        f'stroke-width="2"/>',
        _text(out_x, 149, "tanh", 12, bold=True),
        # the numbers of the pointwise operations
        _text(cx["f"], 58, f"f·c_{{t−1}} = {number(v['f'] * c_prev)}", 12),
        _text(cx["i"] + 8, 122, f"i·g = {number(v['i'] * v['g'])}", 12, "start"),
        _text(out_x - 32, 138, f"tanh c_{{t}} = {number(tanh_c)}", 12, "end"),
        # gates, states in and out
        *(_gate_box(step, unit, g, cx[g], lang) for g in ("f", "i", "g", "o")),
        _pill(48, c_line, "c_{t−1}", c_prev, limit, _state_tip(lang, "c_prev", c_prev)),
        _pill(48, bus, "h_{t−1}", h_prev, 1.0, _state_tip(lang, "h_prev", h_prev)),
        _pill(WIDTH - 48, c_line, "c_{t}", c_t, limit, _state_tip(lang, "c_t", c_t)),
        _pill(WIDTH - 48, bus, "h_{t}", h_t, 1.0, _state_tip(lang, "h_t", h_t)),
    ]


def _gru_body(step: CellStep, unit: int, lang: str) -> list[str]:
    v = {g: float(step.value[g][unit]) for g in step.gates}
    h_prev, h_t = float(step.h_prev[unit]), float(step.h_t[unit])
    cx = {"z": 200, "r": 290, "n": 440}
    top, bus, h_line, keep_x, mix_x, plus_x = BOX_TOP, 290, 80, 390, 540, 600
    return [
        # h_{t-1} along the top: kept (× z), then + the new part
        _arrow([(86, h_line), (keep_x - 14, h_line)], head=False),
        _arrow([(keep_x + 14, h_line), (plus_x - 14, h_line)], head=False),
        _arrow([(plus_x + 14, h_line), (WIDTH - 88, h_line)]),
        # h_{t-1} down to the bus, x_t up to it, the bus into every gate
        _dot(120, h_line),
        _arrow([(120, h_line), (120, bus), (cx["n"], bus)], head=False),
        _arrow([(150, 352), (150, bus)], head=False),
        _dot(150, bus),
        *(_arrow([(x, bus), (x, top + BOX_H + 1)]) for x in cx.values()),
        *(_dot(x, bus) for x in (cx["z"], cx["r"])),
        # z -> × on the top line, and through 1− to × with n
        _arrow([(cx["z"], top), (cx["z"], 120), (mix_x, 120), (mix_x, 135)]),
        _dot(keep_x, 120),
        _arrow([(keep_x, 120), (keep_x, h_line + 15)]),
        _arrow([(mix_x, 165), (mix_x, 197)]),
        # r into the candidate (r ⊙ (W_hn h + b_hn))
        _arrow([(cx["r"], top), (cx["r"], 152), (cx["n"], 152), (cx["n"], top - 1)]),
        _text((cx["r"] + cx["n"]) / 2, 146, "r ⊙ (W_{hn} h_{t−1} + b_{hn})", 11.5),
        # n -> × -> + -> h_t
        _arrow([(cx["n"] + BOX_W / 2, 211), (mix_x - 15, 211)]),
        _arrow([(mix_x + 14, 211), (plus_x, 211), (plus_x, h_line + 15)]),
        _op(keep_x, h_line, "×", t(lang, "cell.tip.keep")),
        _op(mix_x, 150, "1−"),
        _op(mix_x, 211, "×", t(lang, "cell.tip.write")),
        _op(plus_x, h_line, "+"),
        _text(keep_x, 58, f"z·h_{{t−1}} = {number(v['z'] * h_prev)}", 12),
        _text(mix_x + 20, 155, f"1−z = {number(1.0 - v['z'])}", 12, "start"),
        _text(mix_x, 250, f"(1−z)·n = {number((1.0 - v['z']) * v['n'])}", 12),
        *(_gate_box(step, unit, g, cx[g], lang) for g in ("z", "r", "n")),
        _pill(48, h_line, "h_{t−1}", h_prev, 1.0, _state_tip(lang, "h_prev", h_prev)),
        _pill(WIDTH - 48, h_line, "h_{t}", h_t, 1.0, _state_tip(lang, "h_t", h_t)),
    ]


def _rnn_body(step: CellStep, unit: int, lang: str) -> list[str]:
    h_prev, h_t = float(step.h_prev[unit]), float(step.h_t[unit])
    g = unit_arithmetic(step, unit).gate("h")
    parts = [g.input_sum, g.hidden_sum, g.bias_ih + g.bias_hh]
    sums = number(parts[0]) + "".join(
        f" {MINUS} {number(-p)}" if number(p).startswith(MINUS) else f" + {number(p)}"
        for p in parts[1:]
    )
    cx, top, bus, out_y = 350, BOX_TOP, 290, 110
    return [
        _arrow([(86, bus), (cx, bus), (cx, top + BOX_H + 1)]),
        _arrow([(150, 352), (150, bus)], head=False),
        _dot(150, bus),
        _arrow([(cx, top), (cx, out_y), (WIDTH - 88, out_y)]),
        _text(cx + 12, 262, "W_{ih} x_{t} + W_{hh} h_{t−1} + b", 12, "start"),
        _text(cx + 12, 280, f"= {sums} = {number(g.pre)}", 12, "start"),
        _gate_box(step, unit, "h", cx, lang),
        _pill(48, bus, "h_{t−1}", h_prev, 1.0, _state_tip(lang, "h_prev", h_prev)),
        _pill(WIDTH - 48, out_y, "h_{t}", h_t, 1.0, _state_tip(lang, "h_t", h_t)),
    ]


# ---- The most active units side by side -------------------------------------------------
# Rows of the units table per cell: state keys (cell.state.*) and gate letters. The
# RNN's one tanh is its new state: one row for it ("new state" twice, with one value).
UNIT_ROWS: dict[str, tuple[str, ...]] = {
    "lstm": ("h_prev", "c_prev", "i", "f", "g", "o", "c_t", "h_t"),
    "gru": ("h_prev", "z", "r", "n", "h_t"),
    "rnn": ("h_prev", "h_t"),
}


def shown_units(
    step: CellStep, unit: int | None = None, k: int = TOP_UNITS, by: str = "change"
) -> list[int]:
    """The units the table shows: the `k` most active (`pipeline.cell_step.top_units`), and
    `unit` after them when it is not among them."""
    units = [int(u) for u in top_units(step, k, by)]
    if unit is not None and unit not in units:
        units.append(int(unit))
    return units


def _row_values(step: CellStep, row: str) -> np.ndarray:
    if row in step.value:
        return step.value[row]
    return getattr(step, row)


def units_svg(
    step: CellStep, units: Sequence[int], chosen: int | None = None, lang: str = "en"
) -> str:
    """A table of `units` (columns) by the step's quantities (rows: inputs, gates, new
    state), each cell coloured by its value; the column of `chosen` outlined."""
    rows = UNIT_ROWS[step.kind]
    label_w, top, row_h = 190, 58, 27
    col_w = min(64.0, (WIDTH - label_w - 4) / max(len(units), 1))
    cell_rows = [r for r in rows if r in ("c_prev", "c_t")]
    c_limit = _limit(float(_row_values(step, r)[u]) for r in cell_rows for u in units)
    title = t(lang, "cell.svg.units_title", k=len(units), step=step.step)
    body = [_text(12, 20, title, 14, "start", bold=True)]
    for j, u in enumerate(units):
        x = label_w + j * col_w + col_w / 2
        body.append(_text(x, top - 10, t(lang, "cell.svg.unit", unit=u), 11.5, bold=u == chosen))
    for i, row in enumerate(rows):
        y = top + i * row_h
        name = gate_name(lang, row) if row in step.value else t(lang, f"cell.state.{row}")
        body.append(_text(label_w - 8, y + row_h / 2 + 4, name, 12, "end"))
        values = _row_values(step, row)
        limit = c_limit if row in cell_rows else 1.0
        for j, u in enumerate(units):
            value = float(values[u])
            fill = colour(value, limit)
            x = label_w + j * col_w
            body.append(
                f"<g>{_tip(f'{name} [{u}] = {number(value, 4)}')}"
                f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{col_w - 2:.1f}" height="{row_h - 2}" '
                f'fill="{fill}"/>'
                f"{_text(x + col_w / 2, y + row_h / 2 + 4, number(value), 12, fill=ink(fill))}</g>"
            )
    if chosen in units:
        x = label_w + units.index(chosen) * col_w
        body.append(
            f'<rect x="{x:.1f}" y="{top - 26}" width="{col_w:.1f}" '
            f'height="{len(rows) * row_h + 28}" fill="none" stroke="{INK}" stroke-width="2.5" '
            f'rx="3"/>'
        )
    height = top + len(rows) * row_h + 12
    return _svg(height, body, title)
