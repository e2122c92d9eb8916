"""?view=compare: RNN, LSTM and GRU on the same data and settings, over several seeds."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.session import compare_choice, sync_compare
from playground.config import MODELS
from playground.i18n import render_note
from playground.views.compare import compare_plan, failed_notes, seeds_after


def render(ctx: PageContext) -> None:
    ctx.explain("compare")
    compare_choice()  # the pills come back with the choice after another tab
    chosen = st.pills(
        ctx.t("compare.models"),
        MODELS,
        selection_mode="multi",
        format_func=lambda m: ctx.t(f"choice.model.{m}"),
        key="compare_models",
    )
    st.session_state.compare_choice = list(chosen or [])
    sync_compare()  # a choice made here reruns the tabs alone: the link follows it too
    if not chosen:
        st.info(ctx.t("compare.none"), icon=":material/touch_app:")
        return
    here = st.empty()  # the runs' progress, under the models chosen (always drawn: the
    # charts below keep their place, so they stay faded, not blank, while runs train)
    # Each (model, seed) run goes through the shared cache (the run on screen is a hit,
    # and every run here is the Train tab's run of those settings), all at once; what
    # is drawn of them is made once per comparison and language (single flight): a room
    # opening the tab at once draws it, it does not recompute it per session.
    models = tuple(m for m in MODELS if m in chosen)  # in a fixed order
    got = ctx.prepare(compare_plan(ctx.cfg, ctx.lang, models, ctx.data), near=here)
    comparison = got["comparison"]
    ctx.verdict(got["verdict"])
    for failed in failed_notes(comparison):  # a failed run is said, not only drawn flat
        st.warning(render_note(ctx.lang, failed), icon=":material/monitor_heart:")
    st.subheader(ctx.t("compare.spread"))
    st.vega_lite_chart(got["spread"], width="stretch")
    shown_seeds = ", ".join(str(s) for s in seeds_after(ctx.cfg.seed))
    st.caption(ctx.t("compare.seeds", seeds=shown_seeds, epochs=comparison.epochs))
    if comparison.epochs != ctx.cfg.epochs:
        st.caption(ctx.t("compare.epochs_lowered", epochs=comparison.epochs))
    st.subheader(ctx.t("compare.this_seed", seed=ctx.cfg.seed))
    st.vega_lite_chart(got["predictions"], width="stretch")
    left, right = st.columns(2)
    left.vega_lite_chart(got["loss"], width="stretch")
    ctx.metrics_table(got["errors"], right)
