"""What a room sees (issue 25), on the page (AppTest, real package): locks that hold,
scenarios that survive the moves their own text asks for, the page's words in the
reader's language."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pagekit import run_app, widget
from playground.workshop.presets import PRESETS
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
    1000 points. Epochs stay 500; the points go down to what fits, said in a note and in
    the points' help."""
    at = run_app(preset="overfitting", lock="model,epochs")
    widget(at, "n_points").set_value(1000)
    rerun(at)
    assert widget(at, "epochs").value == 500
    shown = widget(at, "n_points").value
    assert 40 < shown < 1000
    note = [w for w in warnings(at) if t("en", "param.n_points.label") in w]
    assert note and str(shown) in note[0] and "instructor" in note[0]
    assert not any(t("en", "param.epochs.label") + ":" in w for w in warnings(at))
    # The points' help counts for the locked epochs (not the smallest every model needs).
    said = t("en", "param.n_points.max_locked", max=shown, epochs=500)
    assert said in widget(at, "n_points").help, widget(at, "n_points").help


# ---- A scenario survives the moves its own text asks for ------------------------------
def test_following_the_vanishing_gradients_note_keeps_the_scenario_and_its_notice():
    """The notice says "set the keep-gate bias to 0": doing so keeps the scenario (menu,
    link, "what to notice") and says what was moved; another move leaves it."""
    preset = PRESETS["vanishing_gradients"]
    assert "keep-gate bias to 0" in t("en", preset.notice_key)
    at = run_app(preset="vanishing_gradients", epochs="2", view="train")
    widget(at, "keep_gate_bias").set_value(0.0)
    rerun(at)
    assert widget(at, "preset").value == "vanishing_gradients"
    assert at.query_params["preset"] == "vanishing_gradients"
    assert any(t("en", preset.notice_key) in i.value for i in at.info)
    assert any("Keep-gate bias 4 → 0" in c.value for c in at.caption), [c.value for c in at.caption]
    widget(at, "keep_gate_bias").set_value(4.0)  # back: the scenario's own setting
    rerun(at)
    assert widget(at, "preset").value == "vanishing_gradients"
    widget(at, "keep_gate_bias").set_value(2.0)  # a move its text does not speak of
    rerun(at)
    assert widget(at, "preset").value == ""
    assert not any(t("en", preset.notice_key) in i.value for i in at.info)


# ---- Hidden text hides every sentence about the result ---------------------------------
def bold(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**")]


def test_hidden_text_hides_the_compare_verdict():
    assert bold(run_app(view="compare", epochs="2"))  # the verdict, with text shown
    assert not bold(run_app(view="compare", epochs="2", hide="text"))


def test_hidden_text_hides_the_long_memory_keep_gate_text():
    said = t("en", "memory.bias", bias=0.0)
    assert said in [c.value for c in run_app(view="memory", epochs="2").caption]
    at = run_app(view="memory", epochs="2", hide="text")
    assert not [c.value for c in at.caption if "keep-gate" in c.value or said in c.value]


# ---- Compare's model choice is in the link and outlives the tab ------------------------
def test_compares_model_choice_is_in_the_link_and_survives_another_tab():
    at = run_app(view="compare", epochs="2")
    assert "compare" not in at.query_params  # all three: the default
    at.pills(key="compare_models").set_value(["gru", "rnn"])
    rerun(at)
    assert at.query_params["compare"] == "rnn,gru"  # in the models' order
    at.session_state["view"] = t("en", "view.train.title")
    rerun(at)
    widget(at, "noise").set_value(0.2)  # a full run while Compare is closed
    rerun(at)
    assert at.query_params["compare"] == "rnn,gru"
    at.session_state["view"] = t("en", "view.compare.title")
    rerun(at)
    assert at.pills(key="compare_models").value == ["gru", "rnn"]
    # The link opens Compare with those models; unknown names are left out.
    fresh = run_app(view="compare", epochs="2", compare="gru,rnn,wings")
    assert set(fresh.pills(key="compare_models").value) == {"rnn", "gru"}
    assert fresh.query_params["compare"] == "rnn,gru"


def test_a_scenarios_own_models_are_its_default_in_the_link():
    at = run_app(preset="rnn_vs_lstm", epochs="2")
    assert at.pills(key="compare_models").value == ["rnn", "lstm"]
    assert "compare" not in at.query_params
