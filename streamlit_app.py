"""RNN Playground: the page as a storyboard.

Widgets (synced to the URL) -> ExperimentConfig -> cached runs -> one `render` per view.
The page's pieces live in `app/` (session, sidebar, header, the context every view
receives, `app/views/<view>.py`); the computations in the `playground` package, which
never imports streamlit. A view computes and draws only while its tab is open. Every
string shown comes from `playground/locales` in the reader's language.
"""

from __future__ import annotations

import streamlit as st

from app import header, phone, session, sidebar, tour, warm
from app.context import PageContext
from app.session import view_label
from app.views import RENDER
from playground import ExperimentConfig
from playground.views import VIEWS

st.set_page_config(page_title="RNN Playground", page_icon="🔁", layout="wide")
warm.started()  # the server's first run (its health check) starts the warm-up

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

tour.render(ctx)  # the guided tour's panel (?tour=1), when the learner took it

# ---- Views: one tab each; only the open tab computes and draws -------------------------
tabs = st.tabs([view_label(ctx.lang, v) for v in VIEWS], key="view", on_change="rerun")
session.open_view()
for view, tab in zip(VIEWS, tabs, strict=True):
    if tab.open:
        with tab:
            RENDER[view](ctx)
