"""Step through one cell (part of ?view=inside): one time step of the trained cell on
the traced window, drawn as the cell diagram with one hidden unit's numbers, the most
active units side by side, the equations, and that unit's arithmetic written out.

The SVGs go through st.markdown(unsafe_allow_html=True): st.html sanitizes with
DOMPurify's HTML-only profile in Streamlit 1.67 and drops every SVG element (an empty
box on the page; tests/e2e/test_cell_browser.py checks the drawing arrives).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app.context import PageContext
from app.phone import swipe_hint
from playground.charts.cell import cell_svg, number, shown_units, units_svg
from playground.charts.cell_text import equations_latex, largest_terms_text, step_chart
from playground.charts.cell_text import unit_latex, with_step
from playground.pipeline.cell_step import CellStep, cell_step, unit_arithmetic, window_inputs

# Session-state keys of the controls (a step, a unit and a layer kept as you move on).
STEP_KEY, UNIT_KEY, LAYER_KEY = "cell_step", "cell_unit", "cell_layer"
UNIT_WIDTH_PX = 260  # the unit menu: its longest label is "unit 127"


def _move(delta: int, n_steps: int) -> None:
    """Button callback: the step `delta` steps on, within 1..n_steps."""
    st.session_state[STEP_KEY] = min(max(st.session_state.get(STEP_KEY, 1) + delta, 1), n_steps)


def _keep_in_range(n_steps: int, num_layers: int, hidden_size: int) -> None:
    """Settings changed the network or the window: drop choices it no longer has."""
    state = st.session_state
    state[STEP_KEY] = min(max(int(state.get(STEP_KEY, 1)), 1), n_steps)
    if state.get(UNIT_KEY) is not None and not 0 <= state[UNIT_KEY] < hidden_size:
        del state[UNIT_KEY]
    if state.get(LAYER_KEY) is not None and not 0 <= state[LAYER_KEY] < num_layers:
        del state[LAYER_KEY]


def step_control(ctx: PageContext, n_steps: int) -> int:
    """Back and forward buttons around a step slider (1..n_steps); the chosen step."""
    current = st.session_state[STEP_KEY]
    back, middle, forward = st.columns([1, 5, 1], vertical_alignment="bottom")
    back.button(
        ctx.t("cell.prev"),
        icon=":material/chevron_left:",
        on_click=_move,
        args=(-1, n_steps),
        disabled=current <= 1,
        key="cell_prev",
        width="stretch",
    )
    step = middle.slider(ctx.t("cell.step"), 1, n_steps, key=STEP_KEY)
    forward.button(
        ctx.t("cell.next"),
        icon=":material/chevron_right:",
        icon_position="right",
        on_click=_move,
        args=(1, n_steps),
        disabled=current >= n_steps,
        key="cell_next",
        width="stretch",
    )
    return int(step)


def unit_choice(ctx: PageContext, step: CellStep) -> int:
    """The hidden unit to write out: the step's most active units listed first (the
    first of them chosen until the reader picks one, which then stays chosen)."""
    top = shown_units(step)
    options = top + [u for u in range(step.hidden_size) if u not in top]
    return int(
        st.selectbox(
            ctx.t("cell.unit"),
            options,
            format_func=lambda u: ctx.t("cell.unit_option", unit=u),
            help=ctx.t("cell.unit_help"),
            key=UNIT_KEY,
            width=UNIT_WIDTH_PX,
        )
    )


def _step_caption(ctx: PageContext, step: CellStep, t_value: float) -> str:
    if step.x_signal is None:
        return ctx.t("cell.at_step_upper", step=step.step, steps=step.n_steps, below=step.layer)
    return ctx.t(
        "cell.at_step",
        step=step.step,
        steps=step.n_steps,
        x=number(step.x_t[0], 3),
        value=number(step.x_signal, 3),
        t=f"{t_value:.2f}".rstrip("0").rstrip("."),
    )


def render_cell(ctx: PageContext, window: int) -> None:
    """The "step through one cell" part of the Inside view, on window `window`."""
    fitted = ctx.result.fitted
    n_steps, rnn = fitted.X.shape[1], fitted.net.rnn
    num_layers, hidden_size = rnn.num_layers, rnn.hidden_size
    _keep_in_range(n_steps, num_layers, hidden_size)

    st.subheader(ctx.t("cell.title"))
    if not ctx.options.hide_text:
        st.caption(ctx.t("cell.intro"))
    layer = num_layers - 1
    if num_layers > 1:
        chosen = st.segmented_control(
            ctx.t("cell.layer"),
            list(range(num_layers)),
            default=num_layers - 1,
            format_func=lambda k: ctx.t("cell.layer_option", layer=k + 1),
            required=True,
            key=LAYER_KEY,
        )
        layer = num_layers - 1 if chosen is None else int(chosen)
    s = step_control(ctx, n_steps)
    step = cell_step(fitted, window, s, layer)  # a few ms: one traced window, no cache
    inputs = window_inputs(fitted, window)
    st.caption(_step_caption(ctx, step, float(inputs.t.iloc[s - 1])))
    spec = ctx.spec(  # one spec per window and language; the step is a param of it
        ctx.key("cell", window),
        "inputs",
        lambda: step_chart(inputs, ctx.lang),
    )
    st.vega_lite_chart(with_step(spec, s), width="stretch")
    if not all(np.isfinite(v).all() for v in (step.h_t, step.h_prev, *step.value.values())):
        st.warning(ctx.t("cell.diverged"))

    unit = unit_choice(ctx, step)
    diagram, equations = st.columns([3, 2])
    swipe = swipe_hint(ctx.t("cell.swipe"))  # on a phone these boxes scroll sideways
    # Its own block (a blank line): the picture stays the only child of its box.
    diagram.markdown(swipe + "\n\n" + cell_svg(step, unit, ctx.lang), unsafe_allow_html=True)
    with equations:
        st.markdown(f"**{ctx.t('cell.equations')}**" + swipe, unsafe_allow_html=True)
        st.latex(equations_latex(step.kind))
        if not ctx.options.hide_text:
            st.caption(ctx.t("cell.equations_note"))
    table = units_svg(step, shown_units(step, unit), unit, ctx.lang)
    st.markdown(swipe + "\n\n" + table, unsafe_allow_html=True)
    if not ctx.options.hide_text:
        st.caption(ctx.t("cell.units_note"))
    arithmetic = unit_arithmetic(step, unit)
    st.markdown(f"**{ctx.t('cell.arithmetic', unit=unit)}**" + swipe, unsafe_allow_html=True)
    st.latex(unit_latex(arithmetic))
    st.caption(largest_terms_text(arithmetic, ctx.lang))
