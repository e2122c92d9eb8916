"""?view=compare: RNN, LSTM and GRU on the same data and settings, over several seeds."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.session import compare_choice, sync_compare
from playground.config import MODELS
from playground.i18n import render_note
from playground.charts import compare_chart, compare_loss_chart
from playground.charts.seeds import seed_spread_chart
from playground.charts.train import errors_table
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
    # Each (model, seed) run is the Train tab's run of those settings (the run on screen
    # is cached), all side by side; what is drawn of them is made once per comparison and
    # language: a room opening the tab at once draws it, it does not recompute it.
    models = tuple(m for m in MODELS if m in chosen)  # in a fixed order
    seeds = seeds_after(ctx.cfg.seed)
    runs = ctx.runs(compare_configs(ctx.cfg, models, seeds), near=here)
    key = ctx.key("compare", models, seeds)
    comparison = ctx.shared(
        key, "comparison", lambda: compare_models(ctx.cfg, models, seeds, run=runs.__getitem__)
    )
    ctx.verdict(ctx.shared(key, "verdict", lambda: verdict(comparison.metrics)))
    for failed in failed_notes(comparison):  # a failed run is said, not only drawn flat
        st.warning(render_note(ctx.lang, failed), icon=":material/monitor_heart:")
    st.subheader(ctx.t("compare.spread"))
    ctx.draw(key, "spread", lambda: seed_spread_chart(comparison.metrics, ctx.lang))
    shown_seeds = ", ".join(str(s) for s in seeds)
    st.caption(ctx.t("compare.seeds", seeds=shown_seeds, epochs=comparison.epochs))
    if comparison.epochs != ctx.cfg.epochs:
        st.caption(ctx.t("compare.epochs_lowered", epochs=comparison.epochs))
    st.subheader(ctx.t("compare.this_seed", seed=ctx.cfg.seed))
    seed = ctx.cfg.seed
    this = {f: of_seed(getattr(comparison, f), seed) for f in ("predictions", "losses", "metrics")}
    ctx.draw(key, "predictions", lambda: compare_chart(this["predictions"], ctx.lang))
    left, right = st.columns(2)
    ctx.draw(key, "loss", lambda: compare_loss_chart(this["losses"], ctx.lang), left)
    errors = lambda: errors_table(this["metrics"].drop(columns="seed"), ctx.lang)  # noqa: E731
    ctx.metrics_table(ctx.shared(key, "errors", errors), right)
