"""app/failover.py: a fragment's rerun from a session that never ran the page (a page
that reconnected to another replica) becomes a full run of its link, opening the tab
the learner clicked."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from streamlit.proto.ClientState_pb2 import ClientState

from app.failover import as_full_run, asked_view
from playground.i18n import t


def request(label: str | None, query: str = "lang=en&noise=0.2&view=train") -> ClientState:
    state = ClientState(query_string=query, fragment_id="e1bbf0da")
    widget = state.widget_states.widgets.add()
    widget.id, widget.double_value = "$$ID-f994d3dc-noise", 0.2
    if label is not None:
        tabs = state.widget_states.widgets.add()
        tabs.id, tabs.string_value = "$$ID-4e2d216f-view", label
    return state


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_clicked_tab_becomes_the_links_view_of_a_full_run(lang):
    asked = request(t(lang, "view.forecast.title"))
    full = as_full_run(asked)
    assert full.fragment_id == "" and asked.fragment_id == "e1bbf0da"  # a copy
    assert parse_qs(full.query_string) == {"lang": ["en"], "noise": ["0.2"], "view": ["forecast"]}
    assert list(full.widget_states.widgets) == list(asked.widget_states.widgets)


def test_without_a_known_tab_the_link_runs_as_it_is():
    assert asked_view(request("Not a tab")) is None
    assert as_full_run(request(None)).query_string == "lang=en&noise=0.2&view=train"
    assert as_full_run(request("Not a tab", "a=&b=1")).query_string == "a=&b=1"
