"""?view=challenges: goals to reach by changing settings, judged on the median over the
learner's seed and the next two (a setting, not a seed, passes a card), each with a link
to settings that solve it (not with `hide=text`: the room is to find them). A goal not
reached yet is said plainly, not as an error: every card starts there."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from app.context import PageContext
from app.views.memory import current_sweep
from playground.workshop.challenges import CHALLENGES, Challenge, judged_configs


def example_link(ctx: PageContext, challenge: Challenge) -> str:
    """The example's settings as a link to this page (the Long memory tab for "memory")."""
    view = "memory" if challenge.needs == "memory" else "challenges"
    return "?" + urlencode(dict(challenge.example) | {"view": view, "lang": ctx.lang})


def render(ctx: PageContext) -> None:
    st.caption(ctx.t("challenge.intro"))
    runs = None  # the judged seeds' runs, trained once for every card that needs them
    cfgs = judged_configs(ctx.cfg)
    for challenge in CHALLENGES.values():
        with st.container(border=True):
            st.subheader(ctx.t(challenge.title_key))
            st.markdown(ctx.t(challenge.goal_key, **challenge.goal))
            if challenge.needs == "memory":
                verdict = challenge.check(ctx.cfg, None, current_sweep(ctx))
            else:
                verdict = challenge.rule(ctx.cfg)
                if verdict is None:
                    if runs is None:
                        runs = list(ctx.runs(cfgs).values())  # all on the pool at once
                    verdict = challenge.check(ctx.cfg, runs)
            shown = ctx.t(verdict.key, **verdict.params)
            if verdict.passed:
                passed = ctx.t("challenge.passed")
                st.success(f"{passed} {shown}", icon=":material/check_circle:")
            else:  # a goal not reached yet is where everyone starts: said, not an error
                st.markdown(f":material/pending: **{ctx.t('challenge.not_yet')}** {shown}")
            if not ctx.options.hide_text:  # the instructor's `hide=text`: no solution shown
                st.caption(ctx.t("challenge.example", link=example_link(ctx, challenge)))
