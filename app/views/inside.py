"""?view=inside: hidden states and gates on one window, and the hidden trajectory with
that window marked on it. The window is picked by a click on a prediction point (the
prediction chart at the top, its inputs shaded) or with the slider; a click moves the
slider."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app.context import PageContext
from app.views.cell import render_cell
from playground.charts import SPLITS, gates_chart, hidden_heatmap, labels
from playground.charts.inside import marked_trajectory
from playground.charts.train import PICK, window_picker_chart, with_window
from playground.views.inside import inside_frames, picked_window

WINDOW_KEY = "window"  # the slider's session-state key
PICK_KEY = "window_pick"  # the picking chart's key prefix (one key per window shown)


def shown_time(value: float) -> str:
    """A time as the reader would write it: 12, 11.06, 1960.25."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _on_pick(key: str, n_windows: int) -> None:
    """Selection callback of the picking chart: the clicked window moves the slider."""
    window = picked_window(st.session_state.get(key), n_windows, PICK)
    if window is not None:
        st.session_state[WINDOW_KEY] = window


def pick_chart(ctx: PageContext, window: int, n_windows: int) -> None:
    """The prediction chart with `window` marked (its inputs shaded, its prediction
    ringed); a click picks the nearest prediction's window. Its spec is built once per
    run and language (the mark is a param of it). The chart's key names the window it
    shows, so each move starts with no selection: a click on any point, even the one
    picked before the slider moved, is a new selection and reaches the callback."""
    result = ctx.result
    picker = lambda: window_picker_chart(result.predictions, ctx.lang)  # noqa: E731
    spec = ctx.spec(ctx.key("run"), "window_picker", picker)
    if not ctx.options.hide_text:
        st.caption(ctx.t("inside.pick"))
    key = f"{PICK_KEY}_{window}"
    st.vega_lite_chart(
        with_window(spec, window),
        width="stretch",
        key=key,
        on_select=partial(_on_pick, key, n_windows),
        selection_mode=PICK,
    )


def render(ctx: PageContext) -> None:
    ctx.explain("inside")
    result = ctx.result
    predicted = result.predictions.query("series == 'prediction'")
    n_windows, n_train = len(predicted), int((predicted.split == "train").sum())
    state = st.session_state
    if WINDOW_KEY not in state:  # the first traced window: the first test window
        state[WINDOW_KEY] = min(n_train, n_windows - 1)
    elif state[WINDOW_KEY] > n_windows - 1:  # settings shrank the series
        state[WINDOW_KEY] = n_windows - 1
    pick_chart(ctx, state[WINDOW_KEY], n_windows)
    window = st.slider(ctx.t("inside.window"), 0, n_windows - 1, key=WINDOW_KEY)
    target = predicted.iloc[window]  # the window's prediction: its target's time and split
    split = labels(ctx.lang, "split", SPLITS)[target.split]
    st.caption(ctx.t("inside.window_at", window=window, t=shown_time(target.t), split=split))
    key = ctx.key("inside", window)
    inside = ctx.cached(key, lambda report: inside_frames(result.fitted, window))
    st.subheader(ctx.t("inside.hidden"))
    ctx.draw(key, "hidden", lambda: hidden_heatmap(inside.hidden, ctx.lang))
    if len(inside.gates):
        st.subheader(ctx.t("inside.gates"))
        ctx.draw(key, "gates", lambda: gates_chart(inside.gates, inside.inputs, ctx.lang))
    else:
        st.caption(ctx.t("inside.no_gates"))
    st.subheader(ctx.t("inside.trajectory"))
    ctx.draw(key, "trajectory", lambda: marked_trajectory(inside.trajectory, window, ctx.lang))
    st.caption(ctx.t("inside.explained", share=sum(inside.explained)))
    render_cell(ctx, window)  # one step of this window's computation, unit by unit
