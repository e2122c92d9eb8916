"""?view=memory: the delayed-recall task swept over the lag (on its button)."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import memory_chart
from playground.i18n import Note
from playground.views.memory import MAX_LAG, MemoryConfig, memory_sweep


def render(ctx: PageContext) -> None:
    ctx.explain("memory")
    max_lag = st.slider(ctx.t("memory.lag"), 5, MAX_LAG, 30, step=5, key="lag")
    lags = tuple(sorted({5, max(5, max_lag // 3), max(5, 2 * max_lag // 3), max_lag}))
    mc = MemoryConfig(lags=lags, seeds=(0,))
    key = ("view", "memory", mc)  # the task does not depend on the sidebar
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
        ctx.draw(key, "sweep", lambda: memory_chart(sweep, ctx.lang))
    else:
        st.caption(ctx.t("memory.cost", runs=runs))
