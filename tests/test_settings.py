"""app/settings.py: one settings builder for any view's settings dataclass: its controls,
its link (read once, kept equal to what runs), locks, presets and the settle step."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def demo_page() -> None:
    """A view with four settings, a budget of hidden size 96 and the instructor's locks
    from session state, showing the config that runs and its notes."""
    from dataclasses import dataclass, replace

    import streamlit as st

    from app import settings
    from playground.i18n import Note, render_note
    from playground.params import LEARNING_RATES, MODELS, Settings, setting

    @dataclass(frozen=True)
    class Demo(Settings):
        URL_PREFIX = "demo_"
        model: str = setting("gru", choices=MODELS)
        hidden_size: int = setting(64, 16, 128, 16)
        learning_rate: float = setting(0.01, 0.0001, 0.1, steps=LEARNING_RATES)
        seed: int = setting(0, 0, 9999, 1)

    def settle(values):
        cfg = Demo(**values)
        if cfg.hidden_size <= 96:
            return cfg, []
        note = Note(
            "note.budget", {"param": "hidden_size", "value": cfg.hidden_size, "lowered": 96}
        )
        return replace(cfg, hidden_size=96), [note]

    if st.session_state.get("preset"):
        settings.apply(Demo, Demo(model="lstm", hidden_size=32), st.session_state.locks)
    cfg, notes = settings.controls(
        Demo, "en", st.session_state.get("locks", frozenset()), settle=settle
    )
    st.markdown(f"runs: {cfg.model} {cfg.hidden_size} {cfg.learning_rate} {cfg.seed}")
    for note in notes:
        st.caption(render_note("en", note))


def page(**link: str) -> AppTest:
    at = AppTest.from_function(demo_page, default_timeout=30)
    for key, value in link.items():
        at.query_params[key] = value
    return at.run()


def runs(at: AppTest) -> str:
    return at.markdown[-1].value


def test_every_setting_gets_its_control_labelled_from_the_locales():
    at = page()
    assert not at.exception
    assert [s.label for s in at.selectbox] == ["Model type"]
    assert [s.label for s in at.slider] == ["Hidden size"]
    assert [s.label for s in at.select_slider] == ["Learning rate"]
    assert [n.label for n in at.number_input] == ["Seed"]
    assert at.selectbox[0].options == ["RNN", "LSTM", "GRU"]  # the shared words
    assert runs(at) == "runs: gru 64 0.01 0"
    assert dict(at.query_params) == {}  # the defaults keep the link clean


def test_a_link_is_read_clamped_settled_and_said_once():
    at = page(demo_hidden_size="500", demo_model="lstm", demo_seed="7")
    assert runs(at) == "runs: lstm 96 0.01 7"
    said = [c.value for c in at.caption]
    assert any("500" in s and "128" in s for s in said), said  # clamped to the bound
    assert any("96" in s for s in said), said  # then the budget's change
    assert at.slider[0].value == 96  # the control shows what runs
    assert at.query_params["demo_hidden_size"] == "96"
    at.number_input[0].set_value(8).run()
    assert runs(at) == "runs: lstm 96 0.01 8"
    assert not any("500" in c.value for c in at.caption)  # the link's note was said once


def test_a_move_runs_and_goes_into_the_link_and_back_out_at_the_default():
    at = page()
    at.slider[0].set_value(32).run()
    assert runs(at) == "runs: gru 32 0.01 0" and at.query_params["demo_hidden_size"] == "32"
    at.slider[0].set_value(64).run()
    assert "demo_hidden_size" not in at.query_params


def test_locks_disable_their_control_and_hold_it_through_a_preset():
    at = AppTest.from_function(demo_page, default_timeout=30)
    at.session_state["locks"] = frozenset({"demo_hidden_size"})
    at.session_state["preset"] = True
    at.run()
    assert at.slider[0].disabled and not at.selectbox[0].disabled
    assert at.slider[0].help.endswith("Set by your instructor.")
    assert runs(at) == "runs: lstm 64 0.01 0"  # the preset moved the model, not the locked size
