"""?view=train: the signal and the prediction, the loss per epoch and the errors."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.serve.keys import run_key, spec_key
from playground.serve.specs import build_chart_specs


def render(ctx: PageContext) -> None:
    result = ctx.result
    ctx.explain("train")
    st.subheader(ctx.t("section.signal"))
    # Specs are built once per result and language and shared by every session.
    specs = ctx.cache.get_or_compute(
        spec_key(run_key(ctx.cfg, ctx.data), "run", ctx.lang),
        lambda report: build_chart_specs(result, ctx.lang),
        pooled=False,
    )
    st.vega_lite_chart(specs["predictions"], width="stretch")
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
