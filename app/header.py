"""The page header: title, the place kept for progress bars, the notes on what the link
or the settings changed, the instructor's locks, and the chosen scenario's "what to
notice" (kept while the learner makes the moves it asks for)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import tour
from app.context import PROGRESS_SLOT_PX, PageContext
from app.phone import PHONE_QUERY
from app.session import BUDGET_NOTES, budget_held, scenario_start
from playground import PARAMS
from playground.changes import change_label
from playground.i18n import Note, render_note
from playground.workshop.presets import PRESETS


HEAD = "head"  # the title's container, which also holds the progress bars' place
SLOT = "progress_slot"  # that place: a box of fixed height, the container's last element
# The place is laid over the title's row on its right, out of the page's flow.
PROGRESS_PLACE = f".st-key-{HEAD} > :last-child"
STYLE = f"""<style>
.st-key-{HEAD} {{ position: relative; }}
{PROGRESS_PLACE} {{
  position: absolute; right: 0; top: 50%; transform: translateY(-50%); width: 40%;
}}
@media {PHONE_QUERY} {{  /* the title spans a phone: the bar goes in the space above it */
  {PROGRESS_PLACE} {{ top: auto; bottom: 100%; transform: none; width: 100%; }}
}}
</style>"""


def render_header(ctx: PageContext, notes: list[Note]) -> Any:
    """Title and the progress bars' place beside it, caption, then every note (of the
    link, of the last move, of these settings), lock and scenario notice. Returns the
    notes' container, where the run's own problems go after it (one place for both:
    every element a rerun sends costs the browser a redraw)."""
    head = st.container(key=HEAD)
    head.title(ctx.t("app.title"))
    # Every training and view computation draws its progress bar here, beside the title,
    # out of the page's flow (`STYLE`): the page does not move down while it works, nor
    # up when it is done. In its own box: as the title's bare sibling, the title left the
    # page for a frame while a run trained (the tab bar jumped; tests/e2e/
    # test_controls_browser.py). Two elements fewer than columns for the pair.
    ctx.progress_slot = head.container(height=PROGRESS_SLOT_PX, border=False, key=SLOT).empty()
    st.caption(ctx.t("app.caption"))
    # Notes, locks and the scenario come and go in ONE container, always drawn: the tabs
    # below keep their place among the page's elements. An element that came in above
    # them would take the tabs' place while the new run trains (the browser replaces the
    # element at that place), blanking the page until the tabs are drawn again.
    box = st.container()
    with box:
        notices(ctx, notes)
    return box


def budget_text(ctx: PageContext) -> str | None:
    """The one note on the budget: each setting it holds below the value asked for
    (None when it holds none). It lasts as long as the budget binds, no longer: a
    move that leaves room brings the asked values back (`session.settle`)."""
    held = budget_held()
    if not held:
        return None
    join = "；".join if ctx.lang == "zh" else "; ".join
    items = [
        ctx.t("note.budget_item", label=ctx.t(f"param.{k}.label"), value=value, asked=asked)
        for k, value, asked in held
    ]
    locks = ctx.options.locked & {p.name for p in PARAMS}  # they take part of the room
    return ctx.t("note.budget_held_locked" if locks else "note.budget_held", items=join(items))


def notices(ctx: PageContext, notes: list[Note]) -> None:
    """Every note (of the link, of the last move, of these settings), the locks, and
    the scenario's notes and "what to notice" (unless the tour's open step, which set
    the scenario up, says it: `tour.speaks_for`)."""
    lang, options = ctx.lang, ctx.options
    moved = st.session_state.pop("settle_notes", [])
    for note in st.session_state.url_notes + moved + notes:
        if note.key not in BUDGET_NOTES:  # said once, as it holds now: `budget_text`
            st.warning(render_note(lang, note), icon=":material/warning:")
    held = budget_text(ctx)
    if held:
        st.warning(held, icon=":material/warning:")
    labels = [ctx.t(f"param.{p.name}.label") for p in PARAMS if p.name in options.locked]
    if labels:  # the Text view says its own locks
        join = "、".join if lang == "zh" else ", ".join
        st.caption(":material/lock: " + ctx.t("instructor.locked_summary", labels=join(labels)))
    if options.hide_text:
        st.caption(ctx.t("instructor.text_hidden"))
    preset = PRESETS.get(st.session_state.preset)
    if preset is not None:
        for note in preset.notes:
            st.warning(render_note(lang, note), icon=":material/warning:")
        if not options.hide_text and not tour.speaks_for(preset.key):  # the step says it
            st.info(
                f"**{ctx.t('preset.notice_header')}** — {ctx.t(preset.notice_key)}",
                icon=":material/visibility:",
            )
        start = scenario_start() or preset.config
        if ctx.cfg != start and preset.holds(ctx.cfg, start):  # moved as its text asks
            changes = change_label(lang, start, ctx.cfg)
            st.caption(ctx.t("preset.following", changes=changes))
