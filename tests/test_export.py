"""Downloads hold the run's numbers; config JSON round-trips; refitted weights are the run's."""

from __future__ import annotations

from dataclasses import replace

import io
import json

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import ExperimentConfig, run_experiment
from playground.config import PARAMS
from playground.i18n import LANGUAGES, Note, render_note, strings
from playground.workshop.export import (
    FILE_TYPES,
    config_from_json,
    config_json,
    file_name,
    fit_model,
    losses_csv,
    metrics_csv,
    mime_type,
    predictions_csv,
    script_bytes,
    weights_bytes,
)
from playground.pipeline.models import SequenceRegressor
from playground.pipeline.signals import make_signal
from playground.pipeline.windows import Scaler, make_windows, split_index

CFG = ExperimentConfig(model="gru", hidden_size=8, epochs=15, noise=0.2, seed=4)


@pytest.fixture(scope="module")
def result():
    return run_experiment(CFG)


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data))


def test_frames_round_trip_through_csv(result):
    for data, frame in (
        (predictions_csv(result), result.predictions),
        (losses_csv(result), result.losses),
        (metrics_csv(result), result.metrics),
    ):
        back = read_csv(data)
        assert list(back.columns) == list(frame.columns)
        pd.testing.assert_frame_equal(back, frame, check_dtype=False, rtol=0, atol=0)


def test_config_json_round_trips(result):
    data = config_json(CFG)
    assert json.loads(data)["model"] == "gru"
    assert config_from_json(data) == (CFG, [])


configs = st.builds(
    ExperimentConfig,
    noise=st.floats(0.0, 1.0),
    learning_rate=st.floats(0.0001, 0.1),
    train_fraction=st.floats(0.5, 0.95),
    hidden_size=st.integers(1, 128),
    model=st.sampled_from(["rnn", "lstm", "gru"]),
    seed=st.integers(0, 9999),
)


@given(configs)
@settings(deadline=None, max_examples=50)
def test_config_json_round_trips_exactly(cfg):
    assert config_from_json(config_json(cfg)) == (cfg, [])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@given(st.dictionaries(st.sampled_from([p.name for p in PARAMS] + ["x"]), json_values))
@settings(deadline=None, max_examples=80)
def test_config_from_json_never_raises_on_any_object(values):
    cfg, notes = config_from_json(json.dumps(values))
    assert isinstance(cfg, ExperimentConfig)
    assert all(isinstance(n, Note) and n.key in strings("en") for n in notes)


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (b"", Note("note.config_json", {"error": "JSONDecodeError"})),
        (b"{", Note("note.config_json", {"error": "JSONDecodeError"})),
        (b"\xff\xfe", Note("note.config_json", {"error": "JSONDecodeError"})),
        (b'{"model": "\xff"}', Note("note.config_json", {"error": "UnicodeDecodeError"})),
        (b"[1, 2]", Note("note.config_object")),
        ("null", Note("note.config_object")),
        (
            b'{"noise": 1e999}',
            Note("note.not_finite", {"param": "noise", "value": "inf", "default": "0.1"}),
        ),
    ],
)
def test_config_from_json_reports_bad_input(data, note):
    cfg, notes = config_from_json(data)
    assert notes == [note]
    assert cfg == ExperimentConfig()


def test_config_from_json_reports_huge_integers():
    cfg, notes = config_from_json(b'{"noise": 1' + b"0" * 400 + b"}")
    assert cfg == ExperimentConfig()
    assert [(n.key, n.params["param"]) for n in notes] == [("note.not_number", "noise")]


def test_config_from_json_reports_an_overflow(monkeypatch):
    def overflow(values):
        raise OverflowError

    monkeypatch.setattr(ExperimentConfig, "from_values", overflow)
    assert config_from_json(b'{"noise": 0.5}') == (
        ExperimentConfig(),
        [Note("note.config_overflow")],
    )


@pytest.mark.parametrize("key", ["note.config_json", "note.config_object", "note.config_overflow"])
def test_config_json_notes_render_in_both_languages(key):
    note = Note(key, {"error": "JSONDecodeError"} if key == "note.config_json" else {})
    shown = {lang: render_note(lang, note) for lang in LANGUAGES}
    assert all(text != key and "{" not in text for text in shown.values())
    assert shown["en"] != shown["zh"]
    assert "JSONDecodeError" in shown["zh"] or key != "note.config_json"


@pytest.mark.parametrize(
    "cfg",
    [CFG, ExperimentConfig(model="rnn", seq_length=20, init_scale=2.5, clip_grad=0.5, epochs=10)],
    ids=["gru", "init_scale-clip_grad"],
)
def test_fit_model_is_the_run(cfg):
    """The refitted network predicts exactly what the run showed."""
    result = run_experiment(cfg)
    net = fit_model(cfg)
    _, y = make_signal(cfg)
    X, _ = make_windows(y, cfg.seq_length)
    n_train = split_index(len(X), cfg.train_fraction)
    scaler = Scaler.fit(y[: cfg.seq_length + n_train])
    with torch.no_grad():
        pred = scaler.inverse(net(torch.from_numpy(scaler.transform(X)).float()).double().numpy())
    shown = result.predictions[result.predictions.series == "prediction"].value.to_numpy()
    np.testing.assert_array_equal(pred, shown)


def test_weights_load_into_a_fresh_model(result):
    data = weights_bytes(CFG)
    state = torch.load(io.BytesIO(data), weights_only=True)
    net = SequenceRegressor(CFG.model, CFG.hidden_size, CFG.num_layers)
    net.load_state_dict(state)
    reference = fit_model(CFG).state_dict()
    assert state.keys() == reference.keys()
    for key in state:
        assert torch.equal(state[key], reference[key])
    # Another seed gives other weights (the comparison above can fail).
    other = fit_model(ExperimentConfig(model="gru", hidden_size=8, epochs=15, seed=5))
    assert not torch.equal(other.state_dict()["head.weight"], state["head.weight"])


def test_script_and_names():
    assert script_bytes(CFG).decode("utf-8").startswith('"""RNN Playground run')
    name = file_name(CFG, "losses")
    assert name.startswith("rnn_playground_gru_seed4_") and name.endswith("_losses.csv")
    assert file_name(CFG, "losses") == name  # the same settings, the same name
    others = [replace(CFG, noise=0.35), replace(CFG, epochs=CFG.epochs + 1), replace(CFG, seed=5)]
    names = {file_name(c, "losses") for c in [CFG, *others]}
    assert len(names) == 4  # settings that differ never collide
    assert {mime_type(k) for k in FILE_TYPES} >= {"text/csv", "application/json"}
