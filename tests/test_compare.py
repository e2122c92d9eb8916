"""compare_models: same data and settings per model and seed, every model the same
epochs, frames with model and seed columns; the verdict counts seeds honestly."""

import numpy as np
import pandas as pd
import pytest
from dataclasses import replace

from playground import ExperimentConfig, compare_models, run_experiment
from playground.views.compare import common_epochs, seeds_after, seed_table, verdict

CFG = ExperimentConfig(epochs=8, hidden_size=8)


@pytest.fixture(scope="module")
def cmp():
    seen = []
    res = compare_models(CFG, seeds=(0, 1), on_epoch=lambda m, e, tr, te: seen.append((m, e)))
    return res, seen


def test_frames_have_model_and_seed_columns(cmp):
    res, _ = cmp
    assert list(res.predictions.columns) == ["model", "seed", "t", "series", "value", "split"]
    assert set(res.predictions.model) == {"truth", "rnn", "lstm", "gru"}
    assert res.losses.groupby(["model", "seed"]).size().eq(16).all()
    assert list(res.metrics.columns) == ["model", "seed", "split", "mse", "mae", "rmse"]
    assert len(res.metrics) == 3 * 2 * 2 and res.seeds == (0, 1)


def test_each_model_and_seed_equals_its_own_run(cmp):
    res, _ = cmp
    for model, seed in (("rnn", 0), ("gru", 1)):
        alone = run_experiment(replace(CFG, model=model, seed=seed))
        mine = res.predictions[(res.predictions.model == model) & (res.predictions.seed == seed)]
        other = alone.predictions[alone.predictions.series == "prediction"]
        np.testing.assert_array_equal(mine.value.to_numpy(), other.value.to_numpy())
        got = res.metrics[(res.metrics.model == model) & (res.metrics.seed == seed)]
        assert got.mse.tolist() == alone.metrics.mse.tolist()  # bit for bit
    truth = res.predictions[res.predictions.model == "truth"]
    assert len(truth) == 2 * 100  # the observed series once per seed (its noise differs)


def test_models_differ_and_progress_is_reported(cmp):
    res, seen = cmp
    by = res.predictions[res.predictions.series == "prediction"].groupby("model").value
    assert not np.allclose(by.get_group("rnn").to_numpy(), by.get_group("lstm").to_numpy())
    assert seen[0] == ("rnn", 1) and seen[-1] == ("gru", 8) and len(seen) == 48
    assert res.diverged == {"rnn": False, "lstm": False, "gru": False}
    assert res.epochs == 8


def test_every_model_trains_the_costliest_cells_epochs():
    cfg = ExperimentConfig(n_points=500, seq_length=40, hidden_size=64, num_layers=2, epochs=300)
    epochs = common_epochs(cfg, ("rnn", "lstm", "gru"))
    assert epochs == min(replace(cfg, model=m).max_epochs() for m in ("rnn", "lstm", "gru"))
    assert epochs < replace(cfg, model="rnn").max_epochs()  # the RNN alone could run more
    asked = []
    compare_models(cfg, ("rnn", "gru"), run=lambda c: asked.append(c.epochs) or _fake(c))
    assert set(asked) == {common_epochs(cfg, ("rnn", "gru"))}


def _fake(cfg):
    """A stand-in result for the runner test (the run itself is not under test)."""
    return run_experiment(replace(cfg, n_points=40, seq_length=5, hidden_size=2, epochs=1,
                                  num_layers=1))  # fmt: skip


def test_a_given_runner_trains_each_run_once_with_the_same_frames(cmp):
    res, _ = cmp
    asked = []

    def runner(run_cfg):
        asked.append((run_cfg.model, run_cfg.seed))
        return run_experiment(run_cfg)

    via_runner = compare_models(CFG, seeds=(0, 1), run=runner)
    assert asked == [(m, s) for s in (0, 1) for m in ("rnn", "lstm", "gru")]
    assert via_runner.predictions.equals(res.predictions)
    assert via_runner.metrics.equals(res.metrics)


def test_seeds_after_wraps_within_the_bounds():
    assert seeds_after(0) == (0, 1, 2) and seeds_after(9999, 2) == (9999, 0)


def table(rows):
    """Metrics rows (model, seed, test mse) -> a metrics frame."""
    return pd.DataFrame(
        [
            {"model": m, "seed": s, "split": "test", "mse": v, "mae": 0, "rmse": 0}
            for m, s, v in rows
        ]
    )


def test_verdict_claims_a_winner_only_when_every_seed_agrees():
    clear = table([("rnn", s, 1.0) for s in range(3)] + [("lstm", s, 0.5) for s in range(3)])
    note = verdict(clear)
    assert note.key == "compare.verdict.better" and note.params == {
        "model": "LSTM",
        "wins": 3,
        "n": 3,
    }
    mixed = table([("rnn", 0, 1.0), ("rnn", 1, 0.4), ("rnn", 2, 1.0),
                   ("lstm", 0, 0.5), ("lstm", 1, 0.5), ("lstm", 2, 0.5)])  # fmt: skip
    note = verdict(mixed)
    assert note.key == "compare.verdict.none" and note.params["wins"] == 2
    four_of_five = table([("rnn", s, 1.0) for s in range(5)]
                         + [("gru", s, 0.5 if s else 2.0) for s in range(5)])  # fmt: skip
    assert verdict(four_of_five).key == "compare.verdict.better"
    assert verdict(table([("rnn", 0, 1.0)])) is None
    assert list(seed_table(clear).columns) == ["lstm", "rnn"]
