"""The page against hostile links and bad training, through AppTest (no browser).

Whatever the URL says, the page must not raise, every widget must sit inside its
`PARAMS` bounds, a bad value for a known setting must produce a note, and no link may
buy a run beyond the work budget. Training that blows up must say so in plain words
and still draw. Sessions must not see each other's results, and the cross-session
cache must hand each configuration its own result.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from app.session import ADVANCED
import playground.pipeline.experiment
from playground import PARAMS, ExperimentConfig, run_experiment
from playground.i18n import t
from playground.config import MIN_EPOCHS, PARAM_BY_NAME

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TIMEOUT_S = 120  # a run on a busy 2-core box; examples are kept to a few epochs
FAST_EPOCHS = st.integers(1, 3).map(str)  # training length when the example is not about it
# Settings that make a run cheap when a hostile `epochs` may clamp to 1000 epochs.
CHEAP = {"n_points": "40", "hidden_size": "2", "num_layers": "1", "seq_length": "4"}


# ---- helpers ------------------------------------------------------------------------
def run_page(query: dict[str, Any]) -> AppTest:
    """Run the page once, as a new session opened on a link with `query`, with the
    sidebar's Advanced group open (every setting's control drawn)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    at.session_state[ADVANCED] = True
    return at.run()


def widget_values(at: AppTest) -> dict[str, Any]:
    """Current value of every settings widget, by key (= PARAMS name)."""
    widgets = list(at.slider) + list(at.selectbox) + list(at.number_input) + list(at.select_slider)
    return {w.key: w.value for w in widgets if w.key in PARAM_BY_NAME}


def ran_config(at: AppTest) -> ExperimentConfig:
    """The config the page trained, recomputed from its widgets as the page does."""
    cfg, _ = ExperimentConfig.from_values(widget_values(at))
    return cfg


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The main data behind each chart, in page order: predictions, losses, errors.

    A layered chart carries one dataset per layer source; the main one is the largest
    (the predictions chart also has a one-row frame for its shaded test region).
    """
    frames = []
    for chart in at.get("vega_lite_chart"):
        datasets = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
        frames.append(max(datasets, key=len))
    return frames


def notes(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def is_bad(name: str, raw: str | list[str]) -> bool:
    """Independent oracle: is `raw` not a valid, in-range value for setting `name` (one
    of the offered values, for a setting that offers some)?

    Follows the documented rule that of a repeated key the last value counts.
    """
    p = PARAM_BY_NAME[name]
    text = (raw[-1] if isinstance(raw, list) else raw).strip()
    if p.kind is str:
        return text.lower() not in p.choices
    try:
        number = float(text)
    except ValueError:
        return True
    if not math.isfinite(number) or not p.low <= number <= p.high:
        return True
    if p.steps:
        return number not in p.steps
    return p.kind is int and not number.is_integer()


# ---- hostile links ------------------------------------------------------------------
NAMES = [p.name for p in PARAMS]
SPECIAL = ["", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-0", "0x10", "1_0",
           "٣", "１２", "+5", " 7 ", "5.", ".5", "1e2", "true", "None", "null", "[]",
           "LSTM", " gru ", "sine", "SINE", "rnn\x00", "💥", "0" * 70 + "5"]  # fmt: skip
HUGE = ["9" * 10_000, "x" * 10_000, "-" + "9" * 400, "0." + "1" * 9_998, "é" * 10_000]


def valid_text(name: str) -> st.SearchStrategy[str]:
    """An in-range value for `name`, as a URL would carry it."""
    p = PARAM_BY_NAME[name]
    if p.kind is str:
        return st.sampled_from(p.choices)
    if p.kind is int:
        return st.integers(p.low, p.high).map(str)
    return st.floats(p.low, p.high).map(repr)


def hostile_text(name: str) -> st.SearchStrategy[str]:
    """Anything a URL could carry for `name`: valid, out of range, junk, huge."""
    return st.one_of(
        valid_text(name),
        st.sampled_from(SPECIAL),
        st.sampled_from(HUGE),
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=30),
    )


@st.composite
def hostile_queries(draw) -> dict[str, str | list[str]]:
    """A query dict: some known keys with hostile values (maybe repeated), some unknown."""
    query: dict[str, str | list[str]] = {}
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=5, unique=True)):
        single = hostile_text(name)
        query[name] = draw(st.one_of(single, st.lists(single, min_size=2, max_size=3)))
    unknown = st.text(min_size=1, max_size=12).filter(lambda k: k not in PARAM_BY_NAME)
    for key in draw(st.lists(unknown, max_size=2, unique=True)):
        query[key] = draw(st.one_of(st.text(max_size=20), st.sampled_from(HUGE)))
    # Keep each example fast: a few epochs, or, when epochs itself is hostile (it
    # may clamp to 1000), a tiny model on few points.
    if "epochs" in query:
        query.update(CHEAP)
    else:
        query["epochs"] = draw(FAST_EPOCHS)
    return query


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(query=hostile_queries())
@example(query={"noise": "-0.0", "epochs": "2"})  # once passed the bounds as -0.0
def test_no_link_breaks_the_page(query):
    at = run_page(query)

    assert not at.exception, [e.value for e in at.exception]
    values = widget_values(at)
    assert set(values) == set(NAMES)  # every setting has its widget
    for name, value in values.items():
        p = PARAM_BY_NAME[name]
        if p.kind is str:
            assert value in p.choices, (name, value)
        else:
            assert p.low <= value <= p.high and math.isfinite(value), (name, value)
            if p.kind is int:
                assert float(value).is_integer(), (name, value)
    for name in NAMES:
        if name in query and name not in CHEAP and is_bad(name, query[name]):
            label = t("en", f"param.{name}.label")  # notes name the control the user sees
            assert any(n.startswith((f"{name}:", f"{label}:")) for n in notes(at)), (
                name,
                notes(at),
            )

    # It drew, and what it trained stayed within the work budget.
    predictions, losses, metrics = chart_frames(at)
    cfg = ran_config(at)
    assert cfg.fits_budget()
    trained = int(losses.epoch.max())
    assert trained == cfg.epochs  # the run is the one recomputed from the widgets
    assert replace(cfg, epochs=trained).fits_budget()
    assert len(predictions[predictions.series == "truth"]) == cfg.n_points
    assert set(metrics.split) == {"train", "test"}


@pytest.mark.slow
def test_the_largest_link_is_held_to_the_budget():
    """Everything at its maximum: the points, then the epochs are lowered so the run fits
    MAX_WORK with at least MIN_EPOCHS; the controls show what runs, and so does the URL."""
    biggest = {p.name: str(p.high) for p in PARAMS if p.kind is not str}
    query = biggest | {"model": "lstm", "epochs": "1000"}
    cfg, warnings = ExperimentConfig.from_query_params(query)
    assert MIN_EPOCHS <= cfg.epochs < 1000 and cfg.fits_budget()
    assert [n.key for n in warnings] == ["note.points_budget", "note.budget"]
    # The page applies the same budget and trains exactly the lowered epochs.
    at = run_page(query)
    assert not at.exception
    ran = ran_config(at)
    assert ran == cfg and ran.fits_budget()
    trained = int(chart_frames(at)[1].epoch.max())
    assert widget_values(at)["epochs"] == trained == ran.epochs >= MIN_EPOCHS
    assert at.query_params["epochs"] == str(trained)
    in_url = int(at.query_params.get("n_points", PARAM_BY_NAME["n_points"].default))
    assert widget_values(at)["n_points"] == cfg.n_points == in_url  # (100: not in the URL)
    (budget,) = [n for n in notes(at) if "budget" in n]  # one note says what it holds
    assert f"Epochs {trained} instead of the 1000 asked for" in budget, budget
    assert f"Number of points {cfg.n_points} instead of the 1000" in budget, budget


# ---- links Streamlit's own URL binding read differently from our parser ---------------
# (the page once used bind="query-params"; it ran values its notes said were ignored, and
# a huge integer crashed inside Streamlit; now one parser reads every link)
@pytest.mark.parametrize(
    "query",
    [
        {"noise": "0." + "1" * 100, "epochs": "2"},  # valid but over MAX_VALUE_CHARS
        {"seq_length": "0" * 70 + "15", "epochs": "2"},  # same, an integer
        {"epochs": ["2", ""]},  # repeated key, the last one empty
    ],
    ids=["long-float", "long-int", "repeated-empty-last"],
)
def test_page_runs_what_its_link_notes_say(query):
    at = run_page(query)
    parsed, _ = ExperimentConfig.from_query_params(query)
    assert ran_config(at) == parsed, notes(at)


def test_a_huge_integer_in_the_link_is_ignored_with_a_note():
    at = run_page({"seed": "9" * 5000, "epochs": "2"})
    assert not at.exception
    assert ran_config(at).seed == 0
    assert any(n.startswith(("seed:", "Seed:")) for n in notes(at)), notes(at)


def test_each_note_is_shown_once():
    at = run_page({"seq_length": "60", "n_points": "40", "epochs": "2"})
    assert notes(at), "expected a note about seq_length"
    assert len(notes(at)) == len(set(notes(at))), notes(at)


# ---- training that blows up ---------------------------------------------------------
def test_diverging_training_shows_a_plain_error_and_still_draws(monkeypatch):
    """No setting within bounds diverged in a search (lr 0.1 with every model, 1 and 3
    layers, hidden 1/8/128, windows 2/60, noise 0/1): so force real divergence by
    training with a step size of 1e30 (weights ~1e30, squared errors overflow float32)."""
    real_train = playground.pipeline.experiment.train

    def train_with_huge_step(*args, **kwargs):
        return real_train(*args, **(kwargs | {"learning_rate": 1e30}))

    monkeypatch.setattr(playground.pipeline.experiment, "train", train_with_huge_step)
    # A config no other test uses, so the diverged result it caches harms nobody.
    at = run_page({"seed": "4242", "epochs": "3", "learning_rate": "0.1"})

    assert not at.exception, [e.value for e in at.exception]
    (error,) = at.error
    assert "diverged" in error.value and "NaN or infinite" in error.value
    assert "lower learning rate" in error.value  # tells the learner what to do
    assert "Traceback" not in error.value and "tensor" not in error.value.lower()
    assert len(at.get("vega_lite_chart")) == 3
    predictions = chart_frames(at)[0]
    assert predictions.value.map(math.isfinite).all()  # last good weights, finite


def test_divergence_guard_keeps_last_finite_weights():
    """Package level, no page: a huge step blows up, the guard stops and restores."""
    import torch

    from playground.pipeline.models import build_model
    from playground.pipeline.train import train

    net = build_model("rnn", 8, 1, torch.Generator().manual_seed(0))
    start = {k: v.clone() for k, v in net.state_dict().items()}
    x = torch.linspace(-1, 1, 40).reshape(8, 5)  # (B=8, L=5)
    y = torch.linspace(-1, 1, 8)  # (B,)
    fit = train(net, x, y, x, y, epochs=5, learning_rate=1e30)

    assert fit.diverged and fit.stopped_epoch == 0 and fit.train_loss == []
    for k, v in net.state_dict().items():  # weights are the last finite ones: the start
        assert torch.equal(v, start[k]), k


# ---- isolation and the shared cache --------------------------------------------------
def expected_frames(query: dict[str, str]) -> list[pd.DataFrame]:
    """Predictions and losses for the link, computed directly, without the page."""
    cfg, _ = ExperimentConfig.from_query_params(query)
    res = run_experiment(cfg)
    return [res.predictions, res.losses]


def assert_frames_equal(got: list[pd.DataFrame], want: list[pd.DataFrame]) -> None:
    for g, w in zip(got, want, strict=True):
        pd.testing.assert_frame_equal(
            g.reset_index(drop=True), w.reset_index(drop=True), check_dtype=False
        )


def test_sessions_are_isolated_and_the_cache_is_keyed_by_config():
    a_query = {"model": "gru", "noise": "0.25", "epochs": "4", "seed": "11"}
    b_query = {"model": "lstm", "noise": "0.05", "epochs": "3", "seed": "12"}
    a, b = run_page(a_query), run_page(b_query)

    # Each session shows its own settings and its own run.
    assert widget_values(a)["model"] == "gru" and widget_values(b)["model"] == "lstm"
    a_frames, b_frames = chart_frames(a)[:2], chart_frames(b)[:2]
    assert_frames_equal(a_frames, expected_frames(a_query))
    assert_frames_equal(b_frames, expected_frames(b_query))
    assert not a_frames[0].equals(b_frames[0])

    # A change in one session does not touch the other.
    a.slider(key="noise").set_value(0.5).run()
    b.run()
    assert widget_values(b)["noise"] == pytest.approx(0.05)
    assert_frames_equal(chart_frames(b)[:2], expected_frames(b_query))

    # Fresh sessions on the same links (served by the shared cache, in reverse order)
    # get each its own config's result.
    b2, a2 = run_page(b_query), run_page(a_query)
    assert_frames_equal(chart_frames(a2)[:2], a_frames)
    assert_frames_equal(chart_frames(b2)[:2], b_frames)
