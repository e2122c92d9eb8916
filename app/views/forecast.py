"""?view=forecast: one-step and free-running forecasts against two baselines."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.views.forecast import forecast_plan


def render(ctx: PageContext) -> None:
    ctx.explain("forecast")
    here = st.empty()  # the runs' progress, under the explanation, where the charts come
    got = ctx.prepare(forecast_plan(ctx.cfg, ctx.lang, ctx.data), near=here)
    st.subheader(ctx.t("forecast.paths.title"))
    st.vega_lite_chart(got["paths"], width="stretch")
    st.subheader(ctx.t("forecast.horizon"))
    st.vega_lite_chart(got["horizon"], width="stretch")
    for line in got["lines"]:
        st.caption(line)
