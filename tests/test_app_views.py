"""The learning views on the page (AppTest, real package, tiny epochs): each tab opens,
computes only when open, shows its charts and its explanation; uploaded CSV data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from playground.i18n import LANGUAGES, render_note, strings, t
from playground.views.compare import verdict
from speckit import has_cjk, titles
from pagekit import uploader

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TIMEOUT = 120
LEARNING_VIEWS = ("compare", "forecast", "inside", "gradients", "memory")


def run_app(view: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    if view is not None:
        at.session_state["view"] = t("en", f"view.{view}.title")
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at) -> list[list]:
    """Per chart, its datasets as DataFrames."""
    return [
        [pa.ipc.open_stream(d.data.data).read_pandas() for d in c.proto.datasets]
        for c in at.get("vega_lite_chart")
    ]


def observed(at) -> np.ndarray:
    """The observed series the prediction chart shows (its truth rows, all splits)."""
    frames = [f for f in charts(at)[0] if "series" in f.columns]
    full = max(frames, key=len)
    return full[full.series == "truth"].value.to_numpy()


def test_explanations_exist_and_are_short_in_both_languages():
    for lang in LANGUAGES:
        for view in (*LEARNING_VIEWS, "train", "data"):
            text = strings(lang)[f"view.{view}.explain"]
            sentences = text.count(". ") + 1 if lang == "en" else text.count("。")
            assert 2 <= sentences <= 4 and len(text) < 600, (lang, view)


@pytest.fixture(scope="module")
def train_only():
    return run_app(epochs="2")


def test_closed_tabs_compute_nothing(train_only):
    assert len(train_only.get("vega_lite_chart")) == 3  # prediction, loss, metrics
    assert not train_only.code and not train_only.get("download_button")


def test_only_the_open_tab_draws_even_the_train_tab():
    """Another tab open, the Train tab draws nothing either: a room opening Compare at
    once reruns Compare alone (and a session's page sends only what is seen)."""
    at = run_app("compare", epochs="2")
    assert not [b for b in at.button if b.key == "train_more"] and not at.dataframe[1:]
    assert not any(i.value == t("en", "view.train.explain") for i in at.info)
    at.session_state["view"] = t("en", "view.train.title")
    at.run()
    assert len(at.get("vega_lite_chart")) == 3
    assert [b.key for b in at.button] == ["tour_start", "train_more"]  # the Train tab's own


def test_compare_tab_overlays_the_three_models():
    at = run_app("compare", epochs="2")
    assert len(at.get("vega_lite_chart")) == 3  # spread over seeds, predictions, loss
    assert any(i.value == t("en", "view.compare.explain") for i in at.info)
    models = set()
    for frames in charts(at):
        for frame in frames:
            if "model" in frame.columns:
                models |= set(frame.model)
    assert {"rnn", "lstm", "gru"} <= models


def compared_models(at) -> set[str]:
    """The models the Compare tab's loss chart shows."""
    (frame,) = [f for fs in charts(at) for f in fs if {"model", "epoch"} <= set(f.columns)]
    return set(frame.model)


def test_compare_tab_shows_every_seed_and_says_what_they_show():
    at = run_app("compare", epochs="2")
    (spread,) = [f for fs in charts(at) for f in fs if {"seed", "mse"} <= set(f.columns)]
    assert sorted(set(spread.seed)) == [0, 1, 2] and len(spread) == 3 * 3  # test rows
    (loss,) = [f for fs in charts(at) for f in fs if {"model", "epoch"} <= set(f.columns)]
    assert set(loss.seed) == {0}  # the overlays show the page's seed
    said = render_note("en", verdict(spread))  # what the seeds on the chart say, in words
    assert f"**{said}**" in [m.value for m in at.markdown]
    # The Train tab's run of seed 1 is the Compare tab's run of seed 1, to the bit.
    table = run_app(epochs="2", seed="1").dataframe[0].value  # the errors table
    shown = table.set_index(table.columns[1]).iloc[:, 1:]  # rows by split, metric columns
    rnn_1 = spread[(spread.model == "rnn") & (spread.seed == 1)].mse.iloc[0]
    assert shown.iloc[1, 0] == rnn_1  # the test split's MSE


def test_compare_tab_builds_its_comparison_once_for_every_session():
    from app import run
    from app.context import experiment
    from playground import ExperimentConfig
    from playground.views.compare import compare_configs, seeds_after

    run_app("compare", epochs="2", hidden_size="5")
    cfg, models = ExperimentConfig(epochs=2, hidden_size=5), ("rnn", "lstm", "gru")
    key = ("comparison", ("compare", cfg.key(), (), models, seeds_after(0)))

    def not_again():
        raise AssertionError("built again")

    comparison = run.drawn(key, "en", _build=not_again)  # the first session built it
    assert set(comparison.metrics.seed) == {0, 1, 2}
    cfgs = compare_configs(cfg, models, (0, 1, 2))
    runs = [experiment(c, (), _report=None) for c in cfgs]
    other = run_app("compare", epochs="2", hidden_size="5")  # another session: no new work
    assert run.drawn(key, "en", _build=not_again) is comparison
    assert [experiment(c, (), _report=None) for c in cfgs] == runs
    assert not other.exception and len(other.get("vega_lite_chart")) == 3


def test_compare_tab_trains_only_the_chosen_models():
    at = run_app("compare", epochs="2")
    at.session_state["compare_models"] = ["gru", "rnn"]
    at.run()
    assert compared_models(at) == {"rnn", "gru"}
    at.session_state["compare_models"] = []
    at.run()
    assert not at.exception and not at.get("vega_lite_chart")
    assert any(i.value == t("en", "compare.none") for i in at.info)


def test_a_presets_models_are_the_ones_compared():
    at = run_app(preset="rnn_vs_lstm", epochs="2")
    assert at.session_state["view"] == t("en", "view.compare.title")
    assert compared_models(at) == {"rnn", "lstm"}


def test_forecast_tab_shows_paths_and_horizon():
    at = run_app("forecast", epochs="2")
    assert len(at.get("vega_lite_chart")) == 2
    assert any(s.value == t("en", "forecast.horizon") for s in at.subheader)


@pytest.mark.parametrize(("model", "extra"), [("rnn", 0), ("lstm", 1)])
def test_inside_tab_shows_hidden_states_and_gates_only_for_gated_cells(model, extra):
    at = run_app("inside", epochs="2", model=model)
    # hidden, trajectory, gates (gated cells), the window picker and the cell view's inputs
    assert len(at.get("vega_lite_chart")) == 2 + extra + 1 + 1
    assert any(s.key == "window" for s in at.slider)
    no_gates = [c for c in at.caption if c.value == t("en", "inside.no_gates")]
    assert len(no_gates) == 1 - extra


def test_window_slider_survives_a_shorter_series():
    at = run_app("inside", epochs="2", n_points="200")
    at.slider(key="window").set_value(150).run()
    at.slider(key="n_points").set_value(60).run()
    assert not at.exception, at.exception
    assert at.slider(key="window").value <= 60 - 10 - 1


def test_gradients_tab_shows_the_gradient_chart():
    at = run_app("gradients", epochs="2")
    assert len(at.get("vega_lite_chart")) == 3  # gradients, update sizes, what a prediction used
    assert any(c.value == t("en", "gradients.try") for c in at.caption)
    said = [m.value for m in at.markdown if "keep this share of their last step" in m.value]
    assert len(said) == 1 and all(f"{m} " in said[0] for m in ("RNN", "LSTM", "GRU"))


def test_memory_tab_waits_for_the_button():
    """The sweep itself (minutes) is tested in test_memory.py; here: nothing runs unasked."""
    at = run_app("memory", epochs="2")
    assert [b.label for b in at.button] == [t("en", "memory.run")]
    assert not at.get("vega_lite_chart")
    assert any("small trainings" in c.value for c in at.caption)


# A keep-gate bias no other test's sweep uses: a sweep another test ran in this process
# would be shared here too, and the button would not show.
OWN_SWEEP_BIAS = "3.5"


@pytest.mark.slow
def test_memory_sweep_runs_on_the_button_and_is_shared():
    """The shortest sweep the page offers (lag 5 only: one training per model)."""
    at = run_app("memory", epochs="2", keep_gate_bias=OWN_SWEEP_BIAS)
    at.slider(key="lag").set_value(5).run()
    at.button(key="run_memory").click().run()
    assert not at.exception, at.exception
    assert not at.button  # the result shows, the button goes
    (frame,) = [f for f in charts(at)[0] if "relative_mse" in f.columns]
    assert set(frame.model) == {"gru", "lstm", "rnn"} and set(frame.lag) == {5}
    assert sorted(set(frame.seed)) == [0, 1, 2] and len(frame) == 9
    assert (frame.relative_mse < 0.5).all()  # lag 5 is easy for every cell
    assert any("in 3 of 3 seeds" in m.value or "of 3 seeds" in m.value for m in at.markdown)
    # Another session asking for the same sweep gets it at once, without the button.
    other = run_app("memory", epochs="2", keep_gate_bias=OWN_SWEEP_BIAS)
    other.slider(key="lag").set_value(5).run()
    assert not other.button  # no sweep button: it ran
    assert len(other.get("vega_lite_chart")) == 2  # the sweep and what the answers used


def test_chinese_tabs_open_too():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(lang="zh", epochs="2")
    at.session_state["view"] = t("zh", "view.gradients.title")
    at.run()
    assert not at.exception, at.exception
    assert any(i.value == t("zh", "view.gradients.explain") for i in at.info)
    gradient = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert gradient["encoding"]["strokeDash"]["title"] == t("zh", "chart.title.weights")
    assert all(has_cjk(title) for title in titles(gradient)), titles(gradient)


# ---- Uploaded CSV -----------------------------------------------------------------------
def csv_bytes(n: int = 80) -> bytes:
    x = np.arange(n)
    rows = "\n".join(f"{i},{np.cos(i / 5):.6f},{'' if i == 7 else 2 * i}" for i in x)
    return ("step,level,count\n" + rows + "\n").encode("utf-8")


def test_uploaded_csv_is_trained_on_and_noted():
    at = run_app(epochs="2")
    before = observed(at)
    uploader(at).set_value(("mine.csv", csv_bytes(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    column = at.selectbox(key="column")
    assert column.options == ["step", "level", "count"]
    column.select("level").run()
    after = observed(at)
    assert len(after) == 80 and not np.array_equal(after, before)
    at.selectbox(key="column").select("count").run()
    notes = " ".join(w.value for w in at.warning)
    assert "Dropped 1 empty" in notes
    # No script for uploaded data: the code tab says so.
    at.session_state["view"] = t("en", "view.home.title")
    at.run()
    assert not at.code
    assert any("your CSV" in i.value for i in at.info)


def test_unusable_upload_is_an_error_in_the_language():
    at = run_app(epochs="2", lang="zh")
    uploader(at).set_value(("empty.csv", b"a,b\n", "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.sidebar.error] == ["无法使用这个文件：文件只有表头，没有数据行。"]
    assert len(at.get("vega_lite_chart")) == 3  # the signal still trains


@pytest.mark.parametrize(
    ("view", "key"), [("forecast", "forecast.paths.title"), ("gradients", "gradients.norms.title")]
)
def test_the_main_chart_of_forecast_and_gradients_has_a_heading(view, key):
    """Issue 40: their first chart came with no heading (the charts after it had one):
    the first heading of the tab is the main chart's, right above it."""
    at = run_app(view, epochs="2")
    assert at.subheader and at.subheader[0].value == t("en", key)
