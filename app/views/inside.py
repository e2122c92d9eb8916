"""?view=inside: hidden states and gates on one window, and the hidden trajectory with
that window marked on it."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.views.cell import render_cell
from playground.charts import SPLITS, gates_chart, hidden_heatmap, labels
from playground.charts.inside import marked_trajectory
from playground.serve.keys import view_key
from playground.views.inside import inside_frames


def shown_time(value: float) -> str:
    """A time as the reader would write it: 12, 11.06, 1960.25."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render(ctx: PageContext) -> None:
    ctx.explain("inside")
    result = ctx.result
    predicted = result.predictions.query("series == 'prediction'")
    n_windows, n_train = len(predicted), int((predicted.split == "train").sum())
    if st.session_state.get("window", 0) > n_windows - 1:  # settings shrank the series
        st.session_state.window = n_windows - 1
    window = st.slider(
        ctx.t("inside.window"), 0, n_windows - 1, min(n_train, n_windows - 1), key="window"
    )
    target = predicted.iloc[window]  # the window's prediction: its target's time and split
    split = labels(ctx.lang, "split", SPLITS)[target.split]
    st.caption(ctx.t("inside.window_at", window=window, t=shown_time(target.t), split=split))
    key = view_key("inside", ctx.cfg, ctx.data, window)
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
