"""The page header: title, the notes on what the link or the settings changed, the
instructor's locks, and the chosen scenario's "what to notice"."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from playground import PARAMS
from playground.i18n import Note, render
from playground.workshop.presets import PRESETS


def render_header(ctx: PageContext, notes: list[Note]) -> None:
    """Title and caption, then every note, lock and scenario notice."""
    lang, options = ctx.lang, ctx.options
    st.title(ctx.t("app.title"))
    st.caption(ctx.t("app.caption"))
    for note in st.session_state.url_notes + notes:
        st.warning(render(lang, note), icon=":material/warning:")
    if options.locked:
        join = "、".join if lang == "zh" else ", ".join
        locked = join(ctx.t(f"param.{p.name}.label") for p in PARAMS if p.name in options.locked)
        st.caption(":material/lock: " + ctx.t("instructor.locked_summary", labels=locked))
    if options.hide_text:
        st.caption(ctx.t("instructor.text_hidden"))
    preset = PRESETS.get(st.session_state.preset)
    if preset is not None:
        for note in preset.notes:
            st.warning(render(lang, note), icon=":material/warning:")
        if not options.hide_text:
            st.info(
                f"**{ctx.t('preset.notice_header')}** — {ctx.t(preset.notice_key)}",
                icon=":material/visibility:",
            )
