"""?view=forecast: one-step and free-running forecasts against two baselines."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import forecast_chart, horizon_chart
from playground.views.forecast import clean_signal, forecast_frames, horizon_lines


def render(ctx: PageContext) -> None:
    ctx.explain("forecast")
    here = st.empty()  # the runs' progress, under the explanation, where the charts come
    fits = ctx.fits(near=here)
    clean = clean_signal(ctx.cfg) if ctx.data.series is None else None  # an upload has none
    key = ctx.key("forecast")
    done = ctx.cached(key, lambda report: forecast_frames(fits, report=report, clean=clean), here)
    st.subheader(ctx.t("forecast.paths.title"))
    ctx.draw(key, "paths", lambda: forecast_chart(done.paths, ctx.lang))
    st.subheader(ctx.t("forecast.horizon"))
    ctx.draw(key, "horizon", lambda: horizon_chart(done.horizon, ctx.lang))
    for line in ctx.shared(key, "lines", lambda: horizon_lines(done.horizon, ctx.lang)):
        st.caption(line)
