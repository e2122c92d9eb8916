"""What a room sees (issue 25), on the page (AppTest, real package): locks that hold,
scenarios that survive the moves their own text asks for, the page's words in the
reader's language."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pagekit import run_app, widget
from playground.i18n import t


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


# ---- Locks hold ---------------------------------------------------------------------------
def test_a_locked_window_stays_when_the_points_go_below_it():
    """The window is locked at 30: 40 points cannot hold it, so the points rise to 60
    (twice the window), with a note; the window does not move."""
    at = run_app(lock="seq_length", seq_length="30", n_points="300", epochs="2")
    widget(at, "n_points").set_value(40)
    rerun(at)
    assert widget(at, "seq_length").value == 30
    assert widget(at, "n_points").value == 60
    assert at.query_params["n_points"] == "60" and at.query_params["seq_length"] == "30"
    assert any(t("en", "param.n_points.label") in w and "60" in w for w in warnings(at))


@pytest.mark.slow  # trains a run at the budget's edge (~5 s of one core)
def test_locked_epochs_hold_when_the_points_would_exceed_the_budget():
    """The issue's repro: the overfitting scenario with model and epochs locked, then
    1000 points. Epochs stay 500; the points go down to what fits, said in a note."""
    at = run_app(preset="overfitting", lock="model,epochs")
    widget(at, "n_points").set_value(1000)
    rerun(at)
    assert widget(at, "epochs").value == 500
    shown = widget(at, "n_points").value
    assert 40 < shown < 1000
    note = [w for w in warnings(at) if t("en", "param.n_points.label") in w]
    assert note and str(shown) in note[0] and "instructor" in note[0]
    assert not any(t("en", "param.epochs.label") + ":" in w for w in warnings(at))
