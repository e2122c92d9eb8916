"""?view=gradients: the gradient norm per time step, at init and trained, per model; then
what one window's prediction depends on, |∂ŷ/∂x_{t−k}| per input step, per model."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import SPLITS, gradient_chart, labels
from playground.charts.saliency import saliency_chart
from playground.config import MODELS
from playground.pipeline.experiment import Fitted
from playground.serve.keys import view_key
from playground.charts.gradients import update_chart
from playground.views.gradients import clipping_twin, gradient_frames, reach_note, update_frame
from playground.views.saliency import window_saliency


def render(ctx: PageContext) -> None:
    ctx.explain("gradients")
    fits = ctx.fits(MODELS)
    key = view_key("gradients", ctx.cfg, ctx.data)
    grads = ctx.cached(key, lambda report: gradient_frames(fits))
    ctx.draw(key, "norms", lambda: gradient_chart(grads.frame, ctx.lang))
    ctx.verdict(ctx.shared(key, "reach", lambda: reach_note(grads.frame)))  # from the chart
    broken = [m.upper() for m, bad in grads.diverged.items() if bad]
    if broken:
        st.error(ctx.t("gradients.diverged", models=", ".join(broken)))
    if not ctx.options.hide_text:
        st.caption(ctx.t("gradients.try"))
    render_updates(ctx)
    render_saliency(ctx, fits)


def render_updates(ctx: PageContext) -> None:
    """The size of each training update of this run and of its clipping twin (the same
    settings with clipping at 1, or without clipping), with the largest of each said."""
    st.subheader(ctx.t("updates.title"))
    runs = sorted([ctx.result, ctx.run(clipping_twin(ctx.cfg))], key=lambda r: r.config.clip_grad)
    key = view_key("updates", ctx.cfg, ctx.data)
    frame = ctx.shared(key, "frame", lambda: update_frame(runs))
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


def render_saliency(ctx: PageContext, fits: dict[str, Fitted]) -> None:
    """|∂ŷ/∂x_{t−k}| of one window's prediction, per model (the first test window unless
    the reader picks another): one backward pass per model, cached per window."""
    st.subheader(ctx.t("saliency.title"))
    if not ctx.options.hide_text:
        st.caption(ctx.t("saliency.explain"))
    fitted = next(iter(fits.values()))  # every model sees the same windows
    n_windows, n_train = len(fitted.X), fitted.n_train
    if st.session_state.get("saliency_window", 0) > n_windows - 1:  # the series shrank
        st.session_state.saliency_window = n_windows - 1
    window = st.slider(
        ctx.t("saliency.window"),
        0,
        n_windows - 1,
        min(n_train, n_windows - 1),
        key="saliency_window",
    )
    split = labels(ctx.lang, "split", SPLITS)["train" if window < n_train else "test"]
    at = shown_time(float(fitted.t[fitted.config.seq_length + window]))
    st.caption(ctx.t("saliency.window_at", window=window, t=at, split=split))
    key = view_key("saliency", ctx.cfg, ctx.data, window)
    frame = ctx.cached(key, lambda report: window_saliency(fits, window))
    ctx.draw(key, "saliency", lambda: saliency_chart(frame, ctx.lang))
    if not ctx.options.hide_text:
        st.caption(ctx.t("saliency.lesson"))
