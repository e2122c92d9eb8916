"""?view=gradients: the gradient norm per time step, at init and trained, per model."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground.charts import gradient_chart
from playground.config import MODELS
from playground.pipeline.experiment import fitted_models
from playground.serve.keys import view_key
from playground.views.gradients import gradient_frames


def render(ctx: PageContext) -> None:
    ctx.explain("gradients")
    fits = fitted_models(ctx.cfg, MODELS, run=ctx.run)
    key = view_key("gradients", ctx.cfg, ctx.data)
    grads = ctx.cached(key, lambda report: gradient_frames(fits))
    ctx.draw(key, "norms", lambda: gradient_chart(grads.frame, ctx.lang))
    broken = [m.upper() for m, bad in grads.diverged.items() if bad]
    if broken:
        st.error(ctx.t("gradients.diverged", models=", ".join(broken)))
    if not ctx.options.hide_text:
        st.caption(ctx.t("gradients.try"))
