"""?view=compare: RNN, LSTM and GRU on the same data and settings."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import compare_chart, compare_loss_chart
from playground.config import MODELS
from playground.serve.keys import view_key
from playground.views.compare import compare_models


def render(ctx: PageContext) -> None:
    ctx.explain("compare")
    chosen = st.pills(
        ctx.t("compare.models"),
        MODELS,
        selection_mode="multi",
        format_func=lambda m: ctx.t(f"choice.model.{m}"),
        key="compare_models",
    )
    if not chosen:
        st.info(ctx.t("compare.none"), icon=":material/touch_app:")
        return
    # Each model's run goes through the shared cache: the model on screen is a hit, and
    # the others are hits later when a learner switches to them.
    models = tuple(m for m in MODELS if m in chosen)  # in a fixed order
    comparison = compare_models(ctx.cfg, models, run=ctx.run)
    key = view_key("compare", ctx.cfg, ctx.data, models)
    ctx.draw(key, "predictions", lambda: compare_chart(comparison.predictions, ctx.lang))
    left, right = st.columns(2)
    ctx.draw(key, "loss", lambda: compare_loss_chart(comparison.losses, ctx.lang), left)
    ctx.metrics_table(comparison.metrics, right)
