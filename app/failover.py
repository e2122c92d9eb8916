"""After a replica dies, the first click on its page's tabs draws the tab.

Behind a load balancer (deploy/), a page whose replica died reconnects to another one,
which holds no session for it: Streamlit makes a new session there and resumes without
running the script. The tabs are a fragment (streamlit_app.py), so a tab opened next
asks the new session to rerun a fragment it never ran, and Streamlit drops that request
(AppSession.request_rerun: "the fragment does not exist anymore"): the tab stayed empty.
A full run alone would not do either: a session's first run reads the link
(`session.start`), and the link does not say which tab was just opened.

`install()` makes such a request, from a session that has never run the page (its
fragment storage never registered a fragment), a full run of the link with the tab
asked for as its `view`: the page the learner would get from a reload of that link. A
session that has run the page keeps Streamlit's behaviour. Installed once per process;
tests/e2e/test_replicas.py kills a replica and opens a tab."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from streamlit.runtime.app_session import AppSession

from app.session import view_of

_MARK = "_playground_failover"
TABS_KEY = "view"  # the tabs' widget key (streamlit_app.py)


def asked_view(client_state) -> str | None:
    """The view of the tab a request's widget states hold (the tabs' key), or None."""
    for widget in client_state.widget_states.widgets:
        if widget.id.endswith(f"-{TABS_KEY}") and widget.WhichOneof("value") == "string_value":
            return view_of(widget.string_value)
    return None


def as_full_run(client_state):
    """A copy of a fragment's rerun request as a full run of the link, with the tab it
    holds as the link's view."""
    full = type(client_state)()
    full.CopyFrom(client_state)
    full.fragment_id = ""
    view = asked_view(client_state)
    if view is not None:
        query = [(k, v) for k, v in parse_qsl(full.query_string, True) if k != "view"]
        full.query_string = urlencode([*query, ("view", view)])
    return full


def install() -> None:
    """Patch AppSession.request_rerun (idempotent)."""
    original = AppSession.request_rerun
    if getattr(original, _MARK, False):
        return

    def request_rerun(self: AppSession, client_state) -> None:
        if (
            client_state is not None
            and client_state.fragment_id
            and self._fragment_storage.registration_sequence() == 0  # never ran the page
        ):
            client_state = as_full_run(client_state)
        return original(self, client_state)

    setattr(request_rerun, _MARK, True)
    AppSession.request_rerun = request_rerun
