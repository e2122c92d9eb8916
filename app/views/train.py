"""?view=train: the signal and the prediction (with the replay of training), the loss per
epoch and the errors."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.session import on_setting_change
from playground.config import PARAM_BY_NAME
from playground.charts.replay import replay_html
from playground.serve.keys import run_key
from playground.serve.specs import build_chart_specs


def render(ctx: PageContext) -> None:
    result = ctx.result
    ctx.explain("train")
    st.subheader(ctx.t("section.signal"))
    # Specs are built once per result and language and shared by every session.
    run = run_key(ctx.cfg, ctx.data)
    specs = ctx.shared(run, "run", lambda: build_chart_specs(result, ctx.lang))
    st.vega_lite_chart(specs["predictions"], width="stretch")
    replay(ctx)
    train_more(ctx)
    left, right = st.columns(2)
    with left:
        st.subheader(ctx.t("section.loss"))
        st.vega_lite_chart(specs["loss"], width="stretch")
    with right:
        st.subheader(ctx.t("section.errors"))
        st.vega_lite_chart(specs["metrics"], width="content")
        ctx.metrics_table(result.metrics)
    if ctx.cfg.signal != "sine" or ctx.data.series is not None:
        ctx.explain("data")


def replay(ctx: PageContext) -> None:
    """The training replay under the prediction chart: an HTML player that animates the
    snapshots in the browser (no rerun per frame), built once per result and language."""
    result = ctx.result
    html = ctx.shared(run_key(ctx.cfg, ctx.data), "replay", lambda: replay_html(result, ctx.lang))
    with st.expander(ctx.t("replay.title"), icon=":material/play_circle:"):
        st.caption(ctx.t("replay.caption"))
        st.iframe(html, height="content", alt=ctx.t("replay.frame"))


MORE_EPOCHS = 100  # what "Train more" adds


def more_epochs(cfg) -> int:
    """The epochs "Train more" asks for: MORE_EPOCHS more, within the budget and bounds."""
    return min(cfg.epochs + MORE_EPOCHS, cfg.max_epochs(), PARAM_BY_NAME["epochs"].high)


def train_more(ctx: PageContext) -> None:
    """A button that continues training: training is deterministic, so it is the longer
    run of the same settings (cached and shareable by link like any other), and its
    replay shows the whole history."""
    target = more_epochs(ctx.cfg)
    if target <= ctx.cfg.epochs or "epochs" in ctx.options.locked:
        return

    def extend() -> None:
        st.session_state.epochs = target
        on_setting_change()  # the page leaves a scenario whose epochs these are not

    st.button(
        ctx.t("train.more", more=target - ctx.cfg.epochs, total=target),
        key="train_more",
        icon=":material/fast_forward:",
        on_click=extend,
    )
