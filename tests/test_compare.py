"""compare_models: same data and settings per model, frames carry a model column."""

import numpy as np
import pytest

from playground import ExperimentConfig, run_experiment
from playground.views.compare import compare_models

CFG = ExperimentConfig(epochs=8, hidden_size=8)


@pytest.fixture(scope="module")
def cmp():
    seen = []
    res = compare_models(CFG, on_epoch=lambda m, e, tr, te: seen.append((m, e)))
    return res, seen


def test_frames_have_model_columns(cmp):
    res, _ = cmp
    assert list(res.predictions.columns) == ["model", "t", "series", "value", "split"]
    assert set(res.predictions.model) == {"truth", "rnn", "lstm", "gru"}
    assert res.losses.groupby("model").size().to_dict() == {"rnn": 16, "lstm": 16, "gru": 16}
    assert list(res.metrics.model) == ["rnn", "rnn", "lstm", "lstm", "gru", "gru"]


def test_each_model_equals_its_own_run(cmp):
    res, _ = cmp
    for model in ("rnn", "gru"):
        alone = run_experiment(ExperimentConfig(epochs=8, hidden_size=8, model=model))
        mine = res.predictions[res.predictions.model == model]
        other = alone.predictions[alone.predictions.series == "prediction"]
        np.testing.assert_array_equal(mine.value.to_numpy(), other.value.to_numpy())
    truth = res.predictions[res.predictions.model == "truth"]
    assert len(truth) == 100


def test_models_differ_and_progress_is_reported(cmp):
    res, seen = cmp
    by = res.predictions[res.predictions.series == "prediction"].groupby("model").value
    assert not np.allclose(by.get_group("rnn").to_numpy(), by.get_group("lstm").to_numpy())
    assert seen[0] == ("rnn", 1) and seen[-1] == ("gru", 8) and len(seen) == 24
    assert res.diverged == {"rnn": False, "lstm": False, "gru": False}
    assert res.epochs == {"rnn": 8, "lstm": 8, "gru": 8}


def test_a_given_runner_trains_each_model_once_with_the_same_frames(cmp):
    res, _ = cmp
    asked = []

    def runner(model_cfg):
        asked.append(model_cfg.model)
        return run_experiment(model_cfg)

    via_runner = compare_models(CFG, run=runner)
    assert asked == ["rnn", "lstm", "gru"]
    assert via_runner.predictions.equals(res.predictions)
    assert via_runner.metrics.equals(res.metrics)
