"""run_experiment end to end: frames, determinism, learning, the split, divergence."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from playground import ExperimentConfig, run_experiment
from playground.pipeline.experiment import ExperimentResult
from playground.pipeline.train import train

FAST = ExperimentConfig(epochs=5)
EXPERIMENT_FIELDS = [  # ExperimentResult's fields before snapshots
    "config", "predictions", "losses", "metrics", "diverged", "stopped_epoch",
    "train_seconds", "fitted",
]  # fmt: skip


@pytest.fixture(scope="module")
def default_result():
    return run_experiment(ExperimentConfig())


def test_frames_have_the_documented_columns(default_result):
    r = default_result
    assert list(r.predictions.columns) == ["t", "series", "value", "split"]
    assert list(r.losses.columns) == ["epoch", "split", "loss"]
    assert list(r.metrics.columns) == ["model", "split", "mse", "mae", "rmse"]
    assert set(r.predictions.series) == {"truth", "prediction"}
    assert set(r.metrics.split) == {"train", "test"}


def test_split_is_chronological_last_fifth_held_out(default_result):
    p = default_result.predictions
    pred = p[p.series == "prediction"]
    assert len(pred) == 90  # 100 points - window of 10
    assert (pred.split == "test").sum() == 18  # 90 - int(90 * 0.8)
    assert pred[pred.split == "train"].t.max() < pred[pred.split == "test"].t.min()
    truth = p[p.series == "truth"]
    assert len(truth) == 100 and (truth.split == "test").sum() == 18


def test_truth_is_the_tutorial_signal(default_result):
    truth = default_result.predictions.query("series == 'truth'")
    t = np.linspace(0, 4 * np.pi, 100)
    np.testing.assert_allclose(truth.t, t)
    resid = truth.value.to_numpy() - np.sin(t)
    assert 0.06 < resid.std() < 0.14  # noise sigma 0.1


def test_default_config_reaches_the_tutorial_mse(default_result):
    losses = default_result.losses
    final_train = losses[(losses.split == "train")].loss.iloc[-1]
    assert 0.005 < final_train < 0.025
    assert losses[losses.split == "train"].loss.iloc[0] > 5 * final_train  # it learned
    m = default_result.metrics.set_index("split")
    assert m.loc["test", "mse"] < 0.05
    np.testing.assert_allclose(m.rmse, np.sqrt(m.mse))


@pytest.mark.parametrize("model", ["lstm", "gru"])
def test_loss_falls_for_every_cell(model):
    r = run_experiment(replace(FAST, model=model, epochs=40))
    train_loss = r.losses[r.losses.split == "train"].loss.to_numpy()
    assert train_loss[-1] < 0.5 * train_loss[0]


def test_same_config_same_numbers():
    a = run_experiment(FAST)
    b = run_experiment(FAST)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    pd.testing.assert_frame_equal(a.losses, b.losses)


def test_determinism_survives_global_rng_use():
    a = run_experiment(FAST)
    torch.manual_seed(999)
    np.random.seed(999)
    torch.rand(10)
    b = run_experiment(FAST)
    pd.testing.assert_frame_equal(a.losses, b.losses)


def test_seed_changes_the_numbers():
    a = run_experiment(FAST)
    b = run_experiment(replace(FAST, seed=1))
    assert not a.losses.loss.equals(b.losses.loss)


def test_on_epoch_reports_every_epoch_in_signal_units():
    seen = []
    r = run_experiment(FAST, on_epoch=lambda e, tr, te: seen.append((e, tr, te)))
    assert [e for e, _, _ in seen] == [1, 2, 3, 4, 5]
    np.testing.assert_allclose([tr for _, tr, _ in seen], r.losses[r.losses.split == "train"].loss)


def test_divergence_stops_early_and_keeps_last_good_weights():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 1), torch.nn.Flatten(0))
    x, y = torch.randn(16, 4), torch.randn(16)
    y[0] = float("inf")  # any loss on this target is inf: the first epoch already fails
    before = [p.detach().clone() for p in net.parameters()]
    res = train(net, x, y, x[:4], y[1:5], epochs=10, learning_rate=0.1)
    assert res.diverged and res.stopped_epoch == 0 and res.train_loss == []
    for p, q in zip(net.parameters(), before):
        assert torch.equal(p, q)


def test_huge_learning_rate_run_never_returns_non_finite_losses():
    r = run_experiment(replace(FAST, learning_rate=0.1, epochs=60, hidden_size=128))
    assert np.isfinite(r.losses.loss).all()
    assert r.diverged or r.stopped_epoch == 60  # either it stopped early and said so, or ran all
    assert len(r.losses) == 2 * r.stopped_epoch


def test_result_carries_snapshots_through_the_unchanged_api():
    r = run_experiment(FAST, None, None)  # run_experiment(cfg, on_epoch=None, series=None)
    assert list(r.snapshots.columns) == ["epoch", "t", "value"]
    assert sorted(set(r.snapshots.epoch)) == [0, 1, 2, 3, 4, 5]
    pred = r.predictions[r.predictions.series == "prediction"]
    last = r.snapshots[r.snapshots.epoch == 5]
    np.testing.assert_array_equal(last.value.to_numpy(), pred.value.to_numpy())
    # Results made without snapshots (any caller building one) get an empty frame.
    bare = ExperimentResult(**{f: getattr(r, f) for f in EXPERIMENT_FIELDS})
    assert len(bare.snapshots) == 0 and list(bare.snapshots.columns) == ["epoch", "t", "value"]
