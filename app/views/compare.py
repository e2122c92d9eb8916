"""?view=compare: RNN, LSTM and GRU on the same data and settings, over several seeds."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.session import compare_choice, sync_compare
from playground.charts import compare_chart, compare_loss_chart
from playground.charts.seeds import seed_spread_chart
from playground.config import MODELS
from playground.i18n import render_note
from playground.serve.keys import view_key
from playground.views.compare import (
    compare_configs,
    compare_models,
    failed_notes,
    of_seed,
    seeds_after,
    verdict,
)


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
    # Each (model, seed) run goes through the shared cache: the run on screen is a hit,
    # and every run here is the Train tab's run of those settings.
    models = tuple(m for m in MODELS if m in chosen)  # in a fixed order
    seeds = seeds_after(ctx.cfg.seed)
    key = view_key("compare", ctx.cfg, ctx.data, models, seeds)
    comparison = ctx.cache.get(key)
    if comparison is None:  # the runs first (with progress), then their frames, once
        runs = ctx.runs(compare_configs(ctx.cfg, models, seeds), near=here)
        comparison = ctx.cache.get_or_compute(
            key,
            lambda report: compare_models(ctx.cfg, models, seeds, run=runs.__getitem__),
            pooled=False,  # frames of runs at hand: never queued behind a training
        )
    # What this page shows of the comparison, made once per comparison (single flight):
    # a room opening the tab at once draws it, it does not recompute it per session.
    ctx.verdict(ctx.shared(key, "verdict", lambda: verdict(comparison.metrics)))
    for failed in failed_notes(comparison):  # a failed run is said, not only drawn flat
        st.warning(render_note(ctx.lang, failed), icon=":material/monitor_heart:")
    st.subheader(ctx.t("compare.spread"))
    ctx.draw(key, "spread", lambda: seed_spread_chart(comparison.metrics, ctx.lang))
    shown_seeds = ", ".join(str(s) for s in seeds)
    st.caption(ctx.t("compare.seeds", seeds=shown_seeds, epochs=comparison.epochs))
    if comparison.epochs != ctx.cfg.epochs:
        st.caption(ctx.t("compare.epochs_lowered", epochs=comparison.epochs))
    this = ctx.cfg.seed
    st.subheader(ctx.t("compare.this_seed", seed=this))
    ctx.draw(
        key, "predictions", lambda: compare_chart(of_seed(comparison.predictions, this), ctx.lang)
    )
    left, right = st.columns(2)
    ctx.draw(
        key, "loss", lambda: compare_loss_chart(of_seed(comparison.losses, this), ctx.lang), left
    )
    ctx.metrics_table(key, lambda: of_seed(comparison.metrics, this).drop(columns="seed"), right)
