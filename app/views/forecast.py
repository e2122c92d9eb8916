"""?view=forecast: one-step and free-running forecasts against two baselines."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import forecast_chart, horizon_chart
from playground.config import MODELS
from playground.serve.keys import view_key
from playground.views.forecast import forecast_frames, horizon_summary


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
    lines = ctx.shared(key, "horizon_lines", lambda: horizon_lines(ctx, forecast.horizon))
    for line in lines:
        st.caption(line)


def horizon_lines(ctx: PageContext, horizon) -> list[str]:
    """The horizon chart read for this run, in the reader's language: the forecaster
    with the lowest mean error, then how each network's error grows with the horizon."""
    s = horizon_summary(horizon)
    label = lambda m: ctx.t(f"chart.model.{m}")  # noqa: E731
    lines = [
        ctx.t(
            "forecast.verdict.best",
            best=label(s.best),
            best_mse=s.mean[s.best],
            ar=s.mean["linear_ar"],
            persistence=s.mean["persistence"],
        )
    ]
    for model, (first, last) in s.growth.items():
        ratio = last / first if first > 0 else float("inf")
        lines.append(
            ctx.t(
                "forecast.verdict.growth",
                model=label(model),
                horizon=s.longest,
                first=first,
                last=last,
                ratio=ratio,
            )
        )
    return lines
