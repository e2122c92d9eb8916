"""?view=train: the signal and the prediction (with the replay of training, and the
previous run's prediction as a faint line after a change), the loss per epoch and the
errors."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.tour import start_button
from app.views.board import submit_box
from app.session import on_setting_change, previous_run
from playground.changes import change_label, comparable
from playground.charts.replay import replay_html
from playground.charts.train import (
    before_frame,
    errors_table,
    loss_chart,
    metrics_chart,
    predictions_chart,
)
from playground.config import PARAM_BY_NAME
from playground.i18n import render_note
from playground.pipeline.health import health_note
from playground.pipeline.noise import noise_text


def render(ctx: PageContext) -> None:
    result, run = ctx.result, ctx.key("run")
    start_button(ctx)  # "Start the tour", until the learner took it
    ctx.explain("train")
    st.subheader(ctx.t("section.signal"))
    st.vega_lite_chart(before_and_after(ctx), width="stretch")
    replay(ctx)
    train_more(ctx)
    left, right = st.columns(2)
    with left:
        st.subheader(ctx.t("section.loss"))
        ctx.draw(run, "loss", lambda: loss_chart(result.losses, ctx.lang))
    with right:
        st.subheader(ctx.t("section.errors"))
        st.vega_lite_chart(
            ctx.spec(run, "metrics", lambda: metrics_chart(result.metrics, ctx.lang)),
            width="content",
        )
        ctx.metrics_table(ctx.shared(run, "errors", lambda: errors_table(result.metrics, ctx.lang)))
        noise = ctx.shared(run, "noise", lambda: noise_text(ctx.cfg, result.metrics, ctx.lang))
        if noise and ctx.data.series is None:  # the config's own signal: known noise
            st.caption(noise)
        submit_box(ctx)  # on a ?board= link: "Submit this run"
    (failed,) = ctx.shared(run, "health", lambda: (health_note(result),))
    if failed is not None and not result.diverged:  # divergence: the page's error says it
        st.warning(render_note(ctx.lang, failed), icon=":material/monitor_heart:")
    if ctx.cfg.signal != "sine" or ctx.data.series is not None:
        ctx.explain("data")


def before_and_after(ctx: PageContext) -> dict:
    """The prediction chart's spec: this run's (shared), or, after a change of settings,
    this run's chart with the previous run's prediction as a faint line labelled with
    what changed (its own spec per (previous run, run, language), shared too). The
    session keeps the previous run's prediction (a few kB), not the run.
    No line after a change of series (another signal or file: its prediction would not
    be about these points) or when the previous run diverged."""
    result, run = ctx.result, ctx.key("run")
    before = previous_run(ctx.cfg, ctx.data.key, result)
    if before is None or not comparable(before.cfg, before.data_key, ctx.cfg, ctx.data.key):
        return ctx.spec(run, "predictions", lambda: predictions_chart(result.predictions, ctx.lang))
    label = change_label(ctx.lang, before.cfg, ctx.cfg)
    return ctx.spec(
        ("before", before.cfg.key(), run),
        "predictions",
        lambda: predictions_chart(
            result.predictions, ctx.lang, before_frame(before.predictions), label
        ),
    )


def replay(ctx: PageContext) -> None:
    """The training replay under the prediction chart: an HTML player that animates the
    snapshots in the browser (no rerun per frame), built once per result and language.
    Drawn only while its expander is open (opening it reruns the tabs alone): closed,
    a rerun sends none of its ~55 KB, which a room pays on every change."""
    expander = st.expander(
        ctx.t("replay.title"), icon=":material/play_circle:", key="replay", on_change="rerun"
    )
    if not expander.open:
        return
    result = ctx.result
    html = ctx.shared(ctx.key("run"), "replay", lambda: replay_html(result, ctx.lang))
    with expander:
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
