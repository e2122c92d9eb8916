"""?view=gradients: the gradient norm per time step, at init and trained, per model; the
size of each training update with and without clipping; then what one window's
prediction depends on, |∂ŷ/∂x_{t−k}| per input step, per model."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import SPLITS, gradient_chart, labels
from playground.charts.gradients import update_chart
from playground.charts.saliency import saliency_chart
from playground.views.gradients import (
    clipping_twin,
    first_input_note,
    gradient_frames,
    opening_window,
    reach_note,
    update_frame,
)
from playground.views.saliency import lesson_applies, window_saliency


def render(ctx: PageContext) -> None:
    ctx.explain("gradients")
    here = st.empty()  # the runs' progress, under the explanation, where the chart comes
    grads = gradients(ctx, here)
    key = ctx.key("gradients")
    st.subheader(ctx.t("gradients.norms.title"))
    ctx.draw(key, "norms", lambda: gradient_chart(grads.frame, ctx.lang))
    ctx.verdict(ctx.shared(key, "reach", lambda: reach_note(grads.frame)))  # read from the chart
    broken = [m.upper() for m, bad in grads.diverged.items() if bad]
    if broken:
        st.error(ctx.t("gradients.diverged", models=", ".join(broken)))
    if not ctx.options.hide_text:
        st.caption(ctx.t("gradients.try"))
    render_updates(ctx)
    render_saliency(ctx)


def gradients(ctx: PageContext, near=None):
    """‖∂L/∂h_t‖ per step of every model (backward passes, made once per run)."""
    fits = ctx.fits(near=near)
    return ctx.cached(ctx.key("gradients"), lambda report: gradient_frames(fits), near)


def render_updates(ctx: PageContext) -> None:
    """The size of each training update of this run and of its clipping twin (the same
    settings with clipping at 1, or without clipping), with the largest of each said."""
    st.subheader(ctx.t("updates.title"))
    runs = ctx.runs([ctx.cfg, clipping_twin(ctx.cfg)])
    key = ctx.key("updates")
    frame = ctx.shared(
        key, "frame", lambda: update_frame(sorted(runs.values(), key=lambda r: r.config.clip_grad))
    )
    ctx.draw(key, "updates", lambda: update_chart(frame, ctx.lang))
    largest = frame.groupby("clipping").update_size.max()
    free, clip = float(largest.iloc[0]), float(largest.index[-1])
    st.caption(
        ctx.t(
            "updates.largest",
            optimizer=ctx.t(f"choice.optimizer.{ctx.cfg.optimizer}"),
            free=free,
            clipped=float(largest.iloc[-1]),
            clip=clip,
            cap=ctx.cfg.learning_rate * clip,
            lr=ctx.cfg.learning_rate,
        )
    )


def shown_time(value: float) -> str:
    """A time as the reader would write it: 12, 11.06, 1960.25."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_saliency(ctx: PageContext) -> None:
    """|∂ŷ/∂x_{t−k}| of one window's prediction, per model (the first test window unless
    the reader picks another): one backward pass per model, cached per window."""
    st.subheader(ctx.t("saliency.title"))
    if not ctx.options.hide_text:
        st.caption(ctx.t("saliency.explain"))
    fitted = ctx.result.fitted  # every model sees the same windows
    n_windows, n_train = len(fitted.X), fitted.n_train
    if st.session_state.get("saliency_window", 0) > n_windows - 1:  # the series shrank
        st.session_state.saliency_window = n_windows - 1
    window = st.slider(
        ctx.t("saliency.window"),
        0,
        n_windows - 1,
        opening_window(ctx.cfg, ctx.data),
        key="saliency_window",
    )
    split = labels(ctx.lang, "split", SPLITS)["train" if window < n_train else "test"]
    at = shown_time(float(fitted.t[fitted.config.seq_length + window]))
    st.caption(ctx.t("saliency.window_at", window=window, t=at, split=split))
    frame = saliency(ctx, window)
    key = ctx.key("saliency", window)
    ctx.draw(key, "chart", lambda: saliency_chart(frame, ctx.lang))
    ctx.verdict(ctx.shared(key, "reach", lambda: first_input_note(frame)))  # read from the chart
    if not ctx.options.hide_text:  # the fixed lesson beside a chart of its settings only
        lesson = lesson_applies(ctx.cfg.seq_length, ctx.cfg.keep_gate_bias)
        st.caption(ctx.t("saliency.lesson" if lesson else "saliency.try"))


def saliency(ctx: PageContext, window: int):
    """|∂ŷ/∂x| of `window`'s prediction per model (one backward pass each, cached)."""
    fits = ctx.fits()
    return ctx.cached(ctx.key("saliency", window), lambda report: window_saliency(fits, window))
