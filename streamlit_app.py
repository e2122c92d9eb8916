"""RNN Playground: the page as a storyboard.

Widgets (synced to the URL) -> ExperimentConfig -> cached runs -> one `render` per view.
The page's pieces live in `app/` (session, sidebar, header, the context every view
receives, `app/views/<view>.py`); the computations in the `playground` package, which
never imports streamlit. A view computes and draws only while its tab is open. Every
string shown comes from `playground/locales` in the reader's language.
"""

from __future__ import annotations

import streamlit as st

from app import failover, header, phone, session, sidebar
from app.context import PageContext
from app.session import view_label
from app.views import RENDER
from playground import ExperimentConfig
from playground.views import VIEWS

st.set_page_config(page_title="RNN Playground", page_icon="🔁", layout="wide")

# ---- Session: the link, read once; the reader's language ------------------------------
session.start()
options = session.options()
lang = session.language()

# ---- Sidebar: the settings and the data they run on -----------------------------------
values, near_controls = sidebar.controls(lang, options)  # progress shows under them
cfg, notes = ExperimentConfig.from_values(values, locked=options.locked)
session.sync_link(cfg, lang)
cfg, data, data_notes = sidebar.data(lang, cfg)
phone.install(header.STYLE)  # on a phone, a move closes the sidebar and shows the chart
failover.install()  # after a replica died, a tab clicked first still draws
ctx = PageContext(lang, options, cfg, data)

# ---- Header ----------------------------------------------------------------------------
problems = header.render_header(ctx, notes + data_notes)  # the notes' place, always drawn

# ---- The run (trained once per config and data, across every session) -----------------
try:
    ctx.result = ctx.run(cfg, near=near_controls)
except ValueError as err:  # e.g. an uploaded series too short for this window
    problems.error(ctx.t("error.cannot_train", error=err))
    st.stop()
if ctx.result.diverged:
    problems.error(ctx.t("error.diverged", epoch=ctx.result.stopped_epoch + 1))


# ---- Views: one tab each; a closed tab computes nothing --------------------------------
@st.fragment
def views(ctx: PageContext, shown: dict[str, object]) -> None:
    """The tabs, a fragment: opening a tab or a view's own control reruns this part
    alone, not the sidebar and header (half a rerun's work, for a room that opens a tab
    at once), and only the open tab draws (the Train tab too: a session sends only what
    is seen). A view that moved a setting (Train more) reruns the whole page."""
    if session.settings() != shown:
        st.rerun()
    # A rerun of the fragment alone may write only to outside places it wrote to in the
    # last full run: claim the header's progress place, so a view's training shows there.
    ctx.progress_slot.empty()
    tabs = st.tabs([view_label(ctx.lang, v) for v in VIEWS], key="view", on_change="rerun")
    session.open_view()
    for view, tab in zip(VIEWS, tabs, strict=True):
        if tab.open:
            with tab:
                RENDER[view](ctx)


views(ctx, session.settings())
