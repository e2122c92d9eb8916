"""?view=memory: the delayed-recall task swept over the lag (on its button), over seeds,
with the keep-gate bias of the sidebar."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import memory_chart
from playground.i18n import Note
from playground.i18n import render as render_note
from playground.views.memory import MAX_LAG, MemoryConfig, memory_sweep, memory_verdicts

SEEDS = (0, 1, 2)  # the sweep's seeds: its claims are counted over these
DEFAULT_LAG = 30


def memory_config(ctx: PageContext, max_lag: int) -> MemoryConfig:
    """The sweep the tab runs up to `max_lag`, with the sidebar's keep-gate bias."""
    lags = tuple(sorted({5, max(5, max_lag // 3), max(5, 2 * max_lag // 3), max_lag}))
    return MemoryConfig(lags=lags, seeds=SEEDS, keep_gate_bias=ctx.cfg.keep_gate_bias)


def sweep_key(mc: MemoryConfig) -> tuple:
    """The cache key of a sweep (the task depends on the sidebar's keep-gate bias only)."""
    return ("view", "memory", mc)


def current_sweep(ctx: PageContext):
    """The sweep of the tab's current settings if it has run (for the challenges)."""
    return ctx.cache.get(sweep_key(memory_config(ctx, st.session_state.get("lag", DEFAULT_LAG))))


def render(ctx: PageContext) -> None:
    ctx.explain("memory")
    st.caption(ctx.t("memory.bias", bias=ctx.cfg.keep_gate_bias))
    max_lag = st.slider(ctx.t("memory.lag"), 5, MAX_LAG, DEFAULT_LAG, step=5, key="lag")
    mc = memory_config(ctx, max_lag)
    lags, key = mc.lags, sweep_key(mc)
    runs = len(lags) * len(mc.models) * len(mc.seeds)
    sweep = ctx.cache.get(key)
    if sweep is None and st.button(ctx.t("memory.run"), key="run_memory"):

        def compute(report):
            done = [0]

            def on_run(model, lag, seed, mse):
                done[0] += 1
                note = Note("progress.memory_run", {"model": model.upper(), "lag": lag})
                report((done[0] / runs, note))

            return memory_sweep(mc, on_run=on_run)

        sweep = ctx.cached(key, compute)
    if sweep is not None:
        for note in memory_verdicts(sweep):
            st.markdown(f"**{render_note(ctx.lang, note)}**")
        ctx.draw(key, "sweep", lambda: memory_chart(sweep, ctx.lang))
    else:
        st.caption(ctx.t("memory.cost", runs=runs))
