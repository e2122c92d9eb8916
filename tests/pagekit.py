"""Shared helpers for the AppTest page tests: run the page, find widgets, read chart data."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from app.session import ADVANCED, UPLOAD_OPEN
from playground import PARAMS

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TIMEOUT = 120  # seconds per script run (a cold training on a busy machine)


def run_app(**query) -> AppTest:
    """A fresh session of the page opened with `query` as its URL parameters."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


HEALTH_ICON = ":material/monitor_heart:"  # a run that failed says so with this icon


def setting_warnings(at: AppTest) -> list[str]:
    """The page's warnings about settings and links (not about a failed run)."""
    return [w.value for w in at.warning if w.proto.icon != HEALTH_ICON]


ADVANCED_SETTINGS = frozenset(p.name for p in PARAMS if p.advanced)  # drawn while it is open


def open_group(at: AppTest, key: str) -> AppTest:
    """Open the sidebar group keyed `key` (`ADVANCED`, `UPLOAD_OPEN`), as a click on it
    does (a rerun): its controls are drawn only while it is open."""
    at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at


def uploader(at: AppTest):
    """The file uploader, after opening its group (a rerun) if it was closed: it is
    drawn while its group is open or holds a file."""
    if not any(u.key == "upload" for u in at.get("file_uploader")):
        open_group(at, UPLOAD_OPEN)
    return at.file_uploader(key="upload")


def advanced_open(at: AppTest) -> bool:
    """Whether the sidebar's Advanced group is open (its controls drawn)."""
    return ADVANCED in at.session_state and bool(at.session_state[ADVANCED])


def find_widget(at: AppTest, key: str):
    """The slider, selectbox, select slider, number input or button group keyed `key`, or
    None."""
    for kind in (at.slider, at.selectbox, at.select_slider, at.number_input, at.button_group):
        for w in kind:
            if w.key == key:
                return w
    return None


def widget(at: AppTest, key: str):
    """The slider, selectbox, select slider or number input keyed `key`; an advanced
    setting's control after opening Advanced (a rerun) if it was closed."""
    found = find_widget(at, key)
    if found is None and key in ADVANCED_SETTINGS and not advanced_open(at):
        found = find_widget(open_group(at, ADVANCED), key)
    if found is None:
        raise KeyError(key)
    return found


def chart_frames(at: AppTest):
    """The data behind each chart (Streamlit ships it as Arrow beside the spec)."""
    return [
        [pa.ipc.open_stream(d.data.data).read_pandas() for d in c.proto.datasets]
        for c in at.get("vega_lite_chart")
    ]


def chart_data(at: AppTest) -> str:
    """Every dataset of every chart, as one comparable string."""
    return json.dumps([[f.to_dict("list") for f in fs] for fs in chart_frames(at)])
