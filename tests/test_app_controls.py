"""What you see is what ran (AppTest, real package): the controls show the settings that
train, the URL holds them, a control that does nothing for the data is disabled with the
reason, a scenario is left once its settings are, the learning rate moves on a log scale,
and long work keeps the page still and says how far it got."""

from __future__ import annotations

from dataclasses import replace

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.context import PROGRESS_SLOT_PX, PageContext
from app.header import HEAD, PROGRESS_PLACE, SLOT, STYLE
from app.session import ADVANCED, UPLOAD_OPEN
from app.sidebar import CostPlace
from pagekit import (
    advanced_open,
    chart_frames,
    find_widget,
    run_app,
    setting_warnings,
    uploader,
    widget,
)
from playground import PARAMS, ExperimentConfig
from playground.config import LEARNING_RATES, MIN_EPOCHS, PARAM_BY_NAME
from playground.i18n import render_note, t
from playground.pipeline.experiment import fitted_models
from playground.pipeline.experiment import SIGNAL
from playground.views.forecast import forecast_frames
from playground.workshop.instructor import InstructorOptions
from playground.workshop.presets import PRESETS


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def trained(at: AppTest) -> tuple[int, int]:
    """(epochs, points) of the run the page drew: its loss curve and observed series."""
    frames = [f for fs in chart_frames(at) for f in fs]
    losses = next(f for f in frames if "loss" in f.columns)
    series = max((f for f in frames if "series" in f.columns), key=len)
    return int(losses.epoch.max()), int((series.series == "truth").sum())


def url_value(at: AppTest, key: str) -> object:
    """The setting `key` as the URL holds it (absent: the default)."""
    p = PARAM_BY_NAME[key]
    return p.kind(at.query_params[key]) if key in at.query_params else p.default


def warnings(at: AppTest) -> list[str]:
    return setting_warnings(at)  # a failed run's own sentence is tested in test_app_lessons


@pytest.mark.slow
# ---- the controls are what runs ---------------------------------------------------------
def test_moving_to_the_largest_sizes_moves_epochs_and_points_to_what_runs():
    """The issue's path: epochs to 1000, then points 1000, the longest window, hidden 128
    and 3 layers. The sliders once said 1000 epochs while 2 ran; now they move to the
    values that run (at least MIN_EPOCHS), say why, and the URL holds the same."""
    at = run_app(epochs="3")
    for key in ("epochs", "n_points", "seq_length", "hidden_size", "num_layers"):
        widget(at, key).set_value(PARAM_BY_NAME[key].high)
    rerun(at)
    epochs, points = trained(at)
    assert widget(at, "epochs").value == epochs >= MIN_EPOCHS
    assert widget(at, "n_points").value == points < 1000
    assert url_value(at, "epochs") == epochs
    assert url_value(at, "n_points") == points
    for key in ("seq_length", "hidden_size", "num_layers"):  # the moves asked for are kept
        assert widget(at, key).value == PARAM_BY_NAME[key].high
    (shown,) = [w for w in warnings(at) if "budget" in w]  # one note on the budget
    assert f"Number of points {points} instead of the 1000 asked for" in shown, shown
    assert f"Epochs {epochs} instead of the 1000 asked for" in shown, shown
    # The controls say the most these settings allow, and what they cost.
    assert f"at most {epochs} epochs" in widget(at, "epochs").help
    assert f"at most {points} points" in widget(at, "n_points").help
    (cost,) = [c.value for c in at.sidebar.caption if "of training" in c.value]
    assert f"at most {epochs} epochs" in cost
    # The note says what the budget holds now: the next rerun says the same, once.
    rerun(at)
    assert [w for w in warnings(at) if "budget" in w] == [shown]


def test_budget_notes_and_lowered_values_last_only_while_the_budget_binds():
    """Issue 40: open a link the budget lowers, drag Epochs to the end, then set Hidden
    size to 1: the notes stayed, and so did 330 points and 30 epochs. Now one note says
    what the budget holds while it holds it, and the values asked for come back when it
    no longer binds (the epochs as far as the budget allows, said in the note)."""
    at = run_app(hidden_size="128", seq_length="40", n_points="400", model="lstm")
    assert (widget(at, "n_points").value, widget(at, "epochs").value) == (330, 30)
    budget = [w for w in warnings(at) if "budget" in w]
    assert len(budget) == 1 and "Number of points 330 instead of the 400" in budget[0], budget
    widget(at, "epochs").set_value(1000).run()
    assert len([w for w in warnings(at) if "budget" in w]) == 1, warnings(at)
    widget(at, "hidden_size").set_value(1)
    rerun(at)
    most = ExperimentConfig(model="lstm", hidden_size=1, seq_length=40, n_points=400)
    assert widget(at, "n_points").value == 400 == url_value(at, "n_points")
    assert widget(at, "epochs").value == most.max_epochs() == trained(at)[0]
    (note,) = [w for w in warnings(at) if "budget" in w]
    assert "Number of points" not in note
    assert f"Epochs {most.max_epochs()} instead of the 1000" in note
    widget(at, "epochs").set_value(200)  # a move of the control itself: asked anew
    rerun(at)
    assert widget(at, "epochs").value == 200 and not warnings(at)
    widget(at, "hidden_size").set_value(128)  # the budget binds again, and says so once
    rerun(at)
    assert widget(at, "n_points").value < 400 and widget(at, "epochs").value == 30
    assert len(warnings(at)) == 1, warnings(at)


def test_a_window_longer_than_half_the_points_moves_the_window_slider():
    at = run_app(epochs="2")
    widget(at, "n_points").set_value(40).run()
    widget(at, "seq_length").set_value(30).run()
    assert widget(at, "seq_length").value == 20 == url_value(at, "seq_length")
    assert any("lowered to 20" in w for w in warnings(at)), warnings(at)


def test_epochs_the_budget_allows_stay_where_they_are_put():
    at = run_app(epochs="2")
    widget(at, "epochs").set_value(7).run()
    assert widget(at, "epochs").value == 7 == trained(at)[0]
    assert not warnings(at)
    assert "at most 1000 epochs" in widget(at, "epochs").help


def test_the_cost_caption_grows_with_the_settings():
    def seconds(at: AppTest) -> float:
        (text,) = [c.value for c in at.sidebar.caption if "of training" in c.value]
        return float(text.split("About ")[1].split(" s")[0])

    at = run_app(epochs="2")
    small = seconds(at)
    widget(at, "epochs").set_value(400)
    widget(at, "hidden_size").set_value(64)
    rerun(at)
    assert seconds(at) > small
    cfg = ExperimentConfig(epochs=400, hidden_size=64)
    assert seconds(at) == pytest.approx(round(cfg.seconds(), 1))


def test_the_cost_caption_speaks_chinese():
    at = run_app(epochs="2", lang="zh")
    assert any("单核训练约需" in c.value for c in at.sidebar.caption)


# ---- controls that do nothing for the data are disabled, with the reason ---------------
@pytest.mark.parametrize("signal", ["airline", "sunspots"])
def test_noise_is_disabled_for_a_real_series_with_the_reason(signal):
    at = run_app(epochs="2", signal=signal)
    noise = widget(at, "noise")
    assert noise.disabled
    assert t("en", "param.noise.off_real") in noise.help
    points = widget(at, "n_points")
    assert not points.disabled
    assert t("en", "param.n_points.help_real") in points.help
    assert "0..4π" not in points.help


def test_noise_is_enabled_for_a_built_in_signal_and_follows_the_signal_choice():
    at = run_app(epochs="2")
    assert not widget(at, "noise").disabled
    assert "0..4π" in widget(at, "n_points").help
    widget(at, "signal").select("airline").run()
    assert widget(at, "noise").disabled
    widget(at, "signal").select("square").run()
    assert not widget(at, "noise").disabled


def test_the_reason_is_in_chinese_too():
    at = run_app(epochs="2", signal="airline", lang="zh")
    assert t("zh", "param.noise.off_real") in widget(at, "noise").help


def test_an_upload_disables_noise_and_signal_and_says_why():
    at = run_app(epochs="2")
    rows = "\n".join(f"{math.sin(i / 4):.4f}" for i in range(60))
    uploader(at).set_value(("mine.csv", f"level\n{rows}\n".encode(), "text/csv"))
    rerun(at)
    for key in ("noise", "signal"):
        assert widget(at, key).disabled, key
    assert t("en", "param.noise.off_upload") in widget(at, "noise").help
    assert t("en", "param.signal.off_upload") in widget(at, "signal").help
    assert t("en", "param.n_points.help_upload") in widget(at, "n_points").help
    # Removing the file gives the signal its controls back.
    uploader(at).set_value(None)
    rerun(at)
    assert not widget(at, "noise").disabled and not widget(at, "signal").disabled


def test_a_file_that_cannot_be_used_leaves_noise_enabled():
    """A bad first file: the signal trains, so its noise matters."""
    at = run_app(epochs="2")
    uploader(at).set_value(("empty.csv", b"a,b\n", "text/csv"))
    rerun(at)
    assert at.sidebar.error
    assert not widget(at, "noise").disabled


# ---- a scenario is left when its settings are -------------------------------------------
def test_moving_a_control_after_choosing_a_scenario_returns_to_your_own_settings():
    at = run_app(epochs="2")
    widget(at, "preset").select("too_much_noise")
    rerun(at)
    notice = t("en", PRESETS["too_much_noise"].notice_key)
    assert any(notice in i.value for i in at.info)
    assert at.query_params["preset"] == "too_much_noise"
    widget(at, "hidden_size").set_value(16)
    rerun(at)
    assert widget(at, "preset").value == ""  # "your own settings"
    assert widget(at, "preset").format_func("") == t("en", "preset.custom")
    assert not any(notice in i.value for i in at.info)
    assert "preset" not in at.query_params
    assert widget(at, "hidden_size").value == 16 and widget(at, "noise").value == 0.6


def test_a_scenario_from_the_link_is_left_on_the_first_move():
    at = run_app(preset="vanishing_gradients", epochs="2")
    assert widget(at, "preset").value == "vanishing_gradients"
    widget(at, "noise").set_value(0.2)
    rerun(at)
    assert widget(at, "preset").value == ""
    assert "preset" not in at.query_params


def test_other_controls_keep_the_scenario():
    """The language and the open tab are not settings of the run."""
    at = run_app(epochs="2")
    widget(at, "preset").select("too_much_noise")
    rerun(at)
    widget(at, "lang").select("zh")
    rerun(at)
    assert widget(at, "preset").value == "too_much_noise"


# ---- the learning rate ------------------------------------------------------------------
def test_the_learning_rate_is_a_log_select_slider_kept_in_the_url():
    at = run_app(epochs="2")
    lr = widget(at, "learning_rate")
    assert lr.options == [f"{v:g}" for v in LEARNING_RATES]
    assert lr.value == 0.01 and "learning_rate" not in at.query_params
    lr.set_value(0.02)
    rerun(at)
    assert widget(at, "learning_rate").value == 0.02
    assert at.query_params["learning_rate"] == "0.02"
    fresh = run_app(**dict(at.query_params))
    assert widget(fresh, "learning_rate").value == 0.02 and not warnings(fresh)


@pytest.mark.parametrize("value", ["0.003", "0.0001", "0.1", "3e-3"])
def test_a_url_learning_rate_on_the_scale_opens_as_is(value):
    at = run_app(epochs="2", learning_rate=value)
    assert widget(at, "learning_rate").value == float(value)
    assert not warnings(at)


def test_a_url_learning_rate_between_the_steps_snaps_to_the_nearest_with_a_note():
    at = run_app(epochs="2", learning_rate="0.0042")
    assert widget(at, "learning_rate").value == 0.005  # x1.19 away; 0.003 is x1.4
    assert at.query_params["learning_rate"] == "0.005"
    (note,) = warnings(at)
    assert note.startswith("Learning rate: 0.0042 is not one of the offered values")
    assert note.endswith("0.005")


# ---- feedback: progress keeps the page still and moves ----------------------------------
def keyed(at: AppTest, key: str) -> list:
    """The blocks keyed `key` in the main area."""
    found, todo = [], list(at.main.children.values())
    while todo:
        node = todo.pop()
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(proto, "id", "").endswith(f"-{key}"):
            found.append(node)
        todo.extend(getattr(node, "children", {}).values())
    return found


def test_the_header_keeps_a_fixed_place_beside_the_title_for_the_progress_bar():
    at = run_app(epochs="2")
    (head,) = keyed(at, HEAD)
    title, slot = head.children.values()  # the title, then the place in its own box
    assert title.type == "title" and title.value == t("en", "app.title")
    assert keyed(at, SLOT) == [slot] and slot.proto.height_config.pixel_height == PROGRESS_SLOT_PX
    assert not at.get("progress")  # empty once the work is done; the place stays
    rerun(at)
    assert len(keyed(at, SLOT)) == 1
    # The page's style lays that place over the title's row, out of the page's flow
    # (tests/e2e/test_controls_browser.py: nothing moves while a bar shows there).
    (page_html,) = at.sidebar.get("html")
    assert STYLE in page_html.proto.body and f"{PROGRESS_PLACE} {{" in STYLE


def test_the_cost_gives_way_to_the_progress_and_comes_back():
    """Under the controls: what the settings cost; while a run trains, its progress in
    that one place; after, the cost again."""
    shown: list = []
    cfg = ExperimentConfig(epochs=300, seed=9001)  # ~1 s: long enough to be seen training
    ctx = PageContext("en", InstructorOptions(), cfg, SIGNAL)
    ctx.progress_slot = Bar([])
    ctx.run(cfg, near=CostPlace("cost", Bar(shown)))
    assert shown[0] == ("caption", "cost")
    assert any(isinstance(s, tuple) and str(s[1]).startswith("Training: epoch") for s in shown)
    assert shown[-1] == ("caption", "cost") and "empty" not in shown


class Bar:
    """A stand-in for the progress bar: records what it shows."""

    def __init__(self, shown: list):
        self.shown = shown

    def progress(self, value, text=""):
        self.shown.append((value, text))
        return self

    def empty(self):
        self.shown.append("empty")

    def caption(self, text):
        self.shown.append(("caption", text))


def test_a_training_reports_as_soon_as_it_starts_in_the_kept_place(monkeypatch):
    shown: list = []
    monkeypatch.setattr("app.run.PROGRESS_INTERVAL_S", 0.01)  # show (nearly) every report
    # A large run, whose first epoch takes a while (~0.3 s here): the learner sees at once
    # that it started.
    cfg = ExperimentConfig(model="lstm", hidden_size=128, seq_length=50, n_points=1000)
    cfg = replace(cfg, epochs=2, seed=9002)
    ctx = PageContext("en", InstructorOptions(), cfg, SIGNAL)
    ctx.progress_slot = Bar(shown)
    ctx.run(cfg)
    texts = [text for _, text in shown[:-1]]
    assert texts[0] in ("Training LSTM: epoch 1/2…", t("en", "progress.waiting"))
    assert "Training LSTM: epoch 1/2…" in texts  # before the first epoch's end
    assert texts[-1].startswith("Training: epoch")
    assert shown[-1] == "empty"  # the bar goes when the run is there


def test_forecast_reports_each_rollout():
    cfg = ExperimentConfig(epochs=2)
    fits = fitted_models(cfg, ("rnn", "gru"))
    reports: list = []
    forecast_frames(fits, report=reports.append)
    fractions = [fraction for fraction, _ in reports]
    total = 2 * (len(fits) + 2)  # a path and the horizon starts per model and baseline
    assert fractions == [i / total for i in range(total + 1)]
    for _, note in reports:
        assert render_note("en", note).startswith("Forecasting: ")
        assert render_note("zh", note).startswith("预测中")
    assert np.isclose(fractions[-1], 1.0)


def test_train_more_continues_as_the_longer_run_of_the_same_settings():
    """ "Train more" is the longer run (deterministic): the epochs control, the URL and the
    loss chart all show the new total, and the replay covers the whole history."""
    at = run_app(epochs="40")
    at.button(key="train_more").click().run()
    assert not at.exception, at.exception
    assert widget(at, "epochs").value == 140 and at.query_params["epochs"] == "140"
    (loss,) = [f for f in chart_frames(at)[1] if "epoch" in f.columns]
    assert loss.epoch.max() == 140
    longer = run_app(epochs="140")  # the same run, reached by a link
    assert chart_frames(longer)[1][0].equals(chart_frames(at)[1][0])
    locked = run_app(epochs="40", lock="epochs")  # a locked page keeps its epochs
    assert not [b for b in locked.button if b.key == "train_more"]


# ---- groups drawn only while open --------------------------------------------------------
def test_advanced_is_drawn_only_while_open_and_its_settings_hold_while_closed():
    """Closed (the default), a rerun sends none of Advanced's controls; a setting moved
    while it was open keeps running, in the URL and in the run, once it is closed and
    another control moves; reopened, its control shows that value; a language switch
    (new labels) leaves the groups open."""
    at = run_app(epochs="2")
    hidden = [p.name for p in PARAMS if p.advanced]
    assert len(hidden) == 9 and not advanced_open(at)
    assert not any(find_widget(at, name) for name in hidden)
    assert find_widget(at, "noise") is not None
    widget(at, "n_points").set_value(60)  # opens Advanced first (a click: a rerun)
    rerun(at)
    assert advanced_open(at) and all(find_widget(at, name) for name in hidden)
    at.session_state[ADVANCED] = False  # closed again
    rerun(at)
    assert not any(find_widget(at, name) for name in hidden)
    widget(at, "noise").set_value(0.3)
    rerun(at)
    assert url_value(at, "n_points") == 60 and url_value(at, "noise") == 0.3
    assert trained(at) == (2, 60)  # the run uses the closed group's value
    assert widget(at, "n_points").value == 60  # reopened: the control shows it
    at.selectbox(key="lang").set_value("zh")  # relabelled, it stays open (as does upload)
    at.session_state[UPLOAD_OPEN] = True
    rerun(at)
    assert advanced_open(at) and find_widget(at, "n_points").value == 60
    assert len(at.get("file_uploader")) == 1


def test_a_link_or_scenario_setting_an_advanced_setting_opens_advanced():
    """The reader sees every setting that differs from the tutorial: a link or a chosen
    scenario that sets one of Advanced's opens it; one that does not leaves it closed."""
    assert not advanced_open(run_app(epochs="2", hidden_size="8"))
    linked = run_app(epochs="2", signal="square")
    assert advanced_open(linked) and widget(linked, "signal").value == "square"
    at = run_app(epochs="2")
    at.selectbox(key="preset").set_value("vanishing_gradients")
    rerun(at)
    assert advanced_open(at) and find_widget(at, "keep_gate_bias") is not None
    assert widget(at, "n_points").value == PRESETS["vanishing_gradients"].config.n_points


def test_the_uploader_is_drawn_while_its_group_is_open_or_holds_a_file():
    """Closed and empty, a rerun sends no uploader; with a file in it, the uploader stays
    (not drawn, the file would be dropped) after its group is closed, and the run keeps
    training on the file."""
    at = run_app(epochs="2")
    assert not at.get("file_uploader")
    rows = "\n".join(str(v) for v in np.sin(np.arange(80) / 5))
    uploader(at).set_value(("mine.csv", f"level\n{rows}\n".encode(), "text/csv"))
    rerun(at)
    at.session_state[UPLOAD_OPEN] = False
    widget(at, "hidden_size").set_value(8)
    rerun(at)
    assert len(at.get("file_uploader")) == 1
    assert any("mine.csv" in c.value for c in at.sidebar.caption)
