"""The page, driven by AppTest against the real package (tiny epoch counts)."""

import pytest

from pagekit import chart_data, chart_frames, run_app, setting_warnings
from test_app_controls import widget  # pagekit's, and the learning rate's select slider
from playground import ExperimentConfig, run_experiment
from playground.charts.replay import replay_html
from playground.config import PARAM_BY_NAME


@pytest.fixture(scope="module")
def default_app():
    return run_app()


def test_default_page_renders_three_charts_and_metrics(default_app):
    at = default_app
    assert len(at.get("vega_lite_chart")) >= 3
    assert len(at.dataframe) == 1
    metrics = at.dataframe[0].value
    assert set(metrics.split) == {"train", "test"}
    assert 0.005 < metrics.set_index("split").loc["train", "mse"] < 0.025  # tutorial range
    assert not at.warning and not at.error


def test_the_replay_is_drawn_only_while_its_expander_is_open():
    """Closed (the default), a rerun sends no player (~55 KB a session a change); opened,
    the player is this run's, and it stays open across a change of settings."""
    at = run_app(epochs="40")
    assert any(e.label.startswith("Watch it learn") for e in at.expander)
    assert not at.get("iframe")
    at.session_state["replay"] = True  # what a click on the expander sends
    at.run()
    [player] = at.get("iframe")
    assert player.proto.srcdoc == replay_html(run_experiment(ExperimentConfig(epochs=40)), "en")
    widget(at, "hidden_size").set_value(8).run()
    assert len(at.get("iframe")) == 1 and at.get("iframe")[0].proto.srcdoc != player.proto.srcdoc


def test_widgets_show_the_tutorial_defaults(default_app):
    for key in (
        "noise",
        "seq_length",
        "hidden_size",
        "epochs",
        "model",
        "seed",
        "learning_rate",
        "num_layers",
        "n_points",
        "train_fraction",
    ):
        assert widget(default_app, key).value == PARAM_BY_NAME[key].default, key


def test_page_explains_train_and_test():
    at = run_app(epochs="2")
    text = " ".join(c.value for c in at.caption)
    assert "held out" in text and "test" in text


@pytest.mark.parametrize(
    "key, value",
    [
        ("noise", 0.4),
        ("seq_length", 5),
        ("hidden_size", 8),
        ("epochs", 4),
        ("model", "lstm"),
        ("model", "gru"),
        ("seed", 3),
    ],
)
def test_each_control_reruns_and_changes_the_charts(key, value):
    at = run_app(epochs="3")
    before = chart_data(at)
    w = widget(at, key)
    (w.select(value) if key == "model" else w.set_value(value)).run()
    assert not at.exception, at.exception
    assert widget(at, key).value == value
    assert len(at.get("vega_lite_chart")) >= 3
    assert chart_data(at) != before


def test_query_params_set_before_first_run_appear_in_widgets():
    at = run_app(
        noise="0.3",
        model="gru",
        seq_length="20",
        hidden_size="16",
        epochs="7",
        seed="5",
        learning_rate="0.005",
    )
    got = {
        k: widget(at, k).value
        for k in ("noise", "model", "seq_length", "hidden_size", "epochs", "seed", "learning_rate")
    }
    assert got == {
        "noise": 0.3,
        "model": "gru",
        "seq_length": 20,
        "hidden_size": 16,
        "epochs": 7,
        "seed": 5,
        "learning_rate": 0.005,
    }
    assert not setting_warnings(at)
    losses = [fs[0] for fs in chart_frames(at) if fs and "loss" in fs[0].columns]
    assert losses and losses[0].epoch.max() == 7


def test_hostile_link_opens_with_clamped_values_and_a_note_each():
    at = run_app(
        epochs="99999999", noise="abc", model="transformer", hidden_size="2", n_points="50"
    )
    assert widget(at, "epochs").value == 1000
    assert widget(at, "noise").value == 0.1
    assert widget(at, "model").value == "rnn"
    notes = " ".join(w.value for w in at.warning)  # shown with the controls' labels
    assert "Epochs" in notes and "Noise" in notes and "transformer" in notes
    assert len(at.get("vega_lite_chart")) >= 3


def test_same_settings_in_a_second_session_give_identical_charts():
    a = run_app(epochs="4", seed="2")
    b = run_app(epochs="4", seed="2")
    assert chart_data(a) == chart_data(b)
