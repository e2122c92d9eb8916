"""?view=challenges: goals to reach by changing settings, checked on the run."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.views.memory import current_sweep
from playground.workshop.challenges import CHALLENGES


def render(ctx: PageContext) -> None:
    st.caption(ctx.t("challenge.intro"))
    for challenge in CHALLENGES.values():
        with st.container(border=True):
            st.subheader(ctx.t(challenge.title_key))
            st.markdown(ctx.t(challenge.goal_key, **challenge.goal))
            needed = current_sweep(ctx) if challenge.needs == "memory" else None
            verdict = challenge.check(ctx.cfg, ctx.result, needed)
            shown = ctx.t(verdict.key, **verdict.params)
            if verdict.passed:
                passed = ctx.t("challenge.passed")
                st.success(f"{passed} {shown}", icon=":material/check_circle:")
            else:
                st.error(f"{ctx.t('challenge.not_yet')} {shown}", icon=":material/cancel:")
