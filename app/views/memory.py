"""?view=memory: the delayed-recall task swept over the lag (on its button), over seeds,
with the keep-gate bias of the sidebar; then what the answers depend on at the longest
lag (the saliency each run kept)."""

from __future__ import annotations

import streamlit as st

from app import run
from app.context import PageContext
from playground.charts import memory_chart
from playground.charts.saliency import recall_saliency_chart
from playground.i18n import Note
from playground.views.memory import (
    DEFAULT_LAG,
    MAX_LAG,
    MemoryConfig,
    MemoryRuns,
    memory_runs,
    memory_verdicts,
    page_memory_config,
    saliency_verdicts,
)


ASKED = "memory_asked"  # the sweep (its cache key) this session pressed the button for


def memory_config(ctx: PageContext, max_lag: int) -> MemoryConfig:
    """The sweep the tab runs up to `max_lag`, with the sidebar's keep-gate bias."""
    return page_memory_config(max_lag, ctx.cfg.keep_gate_bias)


def sweep_key(mc: MemoryConfig) -> tuple:
    """The cache key of a sweep's runs (`MemoryRuns`; the task depends on the sidebar's
    keep-gate bias only)."""
    return ("view", "memory", mc)


def current_sweep(ctx: PageContext):
    """The sweep frame of the tab's current settings if it has run (for the challenges)."""
    mc = memory_config(ctx, st.session_state.get("lag", DEFAULT_LAG))
    key = sweep_key(mc)
    return ctx.cached(key, lambda report: memory_runs(mc)).sweep if key in run.finished() else None


def render(ctx: PageContext) -> None:
    ctx.explain("memory")
    if not ctx.options.hide_text:
        st.caption(ctx.t("memory.bias", bias=ctx.cfg.keep_gate_bias))
    max_lag = st.slider(ctx.t("memory.lag"), 5, MAX_LAG, DEFAULT_LAG, step=5, key="lag")
    mc = memory_config(ctx, max_lag)
    lags, key = mc.lags, sweep_key(mc)
    runs = len(lags) * len(mc.models) * len(mc.seeds)
    done: MemoryRuns | None = None
    if key in run.finished():  # run before, by this session or another: drawn at once
        done = ctx.cached(key, lambda report: memory_runs(mc))
    slot = st.empty()  # the button, gone once the result shows
    pressed = done is None and slot.button(ctx.t("memory.run"), key="run_memory")
    if pressed:
        st.session_state[ASKED] = key
    # A sweep this session asked for and still in flight is waited for again after a
    # rerun that is not a press (a language switch): its progress and result show, as
    # they would have (the job is the one in flight: single flight).
    if done is None and st.session_state.get(ASKED) == key:

        def compute(report):
            count = [0]

            def on_run(model, lag, seed, mse):
                count[0] += 1
                note = Note(
                    "progress.memory_run",
                    {"model": model.upper(), "lag": lag, "done": count[0], "total": runs},
                )
                report((count[0] / runs, note))

            return memory_runs(mc, on_run=on_run)

        done = ctx.cached(key, compute, near=st.empty())  # progress under the button
        run.finished().add(key)
        st.session_state.pop(ASKED, None)
        slot.empty()
    if done is not None:
        for note in memory_verdicts(done.sweep):
            ctx.verdict(note)
        ctx.draw(key, "sweep", lambda: memory_chart(done.sweep, ctx.lang))
        render_saliency(ctx, key, done)
    else:
        st.caption(ctx.t("memory.cost", runs=runs))


def render_saliency(ctx: PageContext, key: tuple, done: MemoryRuns) -> None:
    """What each model's answer depends on at the sweep's longest lag, before and after
    training: the cue against the inputs after it."""
    st.subheader(ctx.t("memory.saliency.title"))
    if not ctx.options.hide_text:
        st.caption(ctx.t("memory.saliency.explain", lag=int(done.sweep.lag.max())))
    for note in saliency_verdicts(done.saliency):
        ctx.verdict(note)
    ctx.draw(key, "saliency", lambda: recall_saliency_chart(done.saliency, ctx.lang))
    if not ctx.options.hide_text:
        st.caption(ctx.t("memory.saliency.lesson"))
