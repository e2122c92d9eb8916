"""?view=forecast: one-step and free-running forecasts against two baselines."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import forecast_chart, horizon_chart
from playground.config import MODELS
from playground.serve.keys import view_key
from playground.views.forecast import forecast_frames


def render(ctx: PageContext) -> None:
    ctx.explain("forecast")
    # The three networks come from the shared runs (trained once, also for Compare);
    # they are fetched first, so no cache computation waits inside another.
    fits = ctx.fits(MODELS)
    key = view_key("forecast", ctx.cfg, ctx.data)
    forecast = ctx.cached(key, lambda report: forecast_frames(fits, report=report))
    ctx.draw(key, "paths", lambda: forecast_chart(forecast.paths, ctx.lang))
    st.subheader(ctx.t("forecast.horizon"))
    ctx.draw(key, "horizon", lambda: horizon_chart(forecast.horizon, ctx.lang))
