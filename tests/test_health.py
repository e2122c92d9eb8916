"""A run that failed says so: diverged, stalled, or no better than guessing on the test
part; a run that learned says nothing. On real runs and on the page."""

from __future__ import annotations

from localekit import format_fields

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground import ExperimentConfig, run_experiment
from playground.i18n import LANGUAGES, strings, t
from playground.pipeline.health import MIN_EPOCHS, STALLED, Health, health_note, run_health
from playground.views.compare import compare_models, failed_notes

QUICK = ExperimentConfig(epochs=40, hidden_size=16)


@cache
def run(cfg: ExperimentConfig):
    return run_experiment(cfg)


def renders(note) -> None:
    for lang in LANGUAGES:
        assert format_fields(strings(lang)[note.key]) <= set(note.params)
        assert "{" not in t(lang, note.key, **note.params)


def test_a_run_that_learned_says_nothing():
    h = run_health(run(QUICK))
    assert not h.failed and health_note(run(QUICK)) is None
    assert h.test_mse < h.persistence_mse < h.mean_mse  # a sine: learned, beat both guesses
    assert h.last_loss < 0.1 * h.train_mean_mse


def test_the_baselines_are_the_runs_own_test_windows():
    r = run(QUICK)
    f, h = r.fitted, run_health(r)
    test_y = f.Y[f.n_train :]
    assert h.persistence_mse == pytest.approx(np.mean((f.X[f.n_train :, -1] - test_y) ** 2))
    assert h.mean_mse == pytest.approx(np.mean((f.Y[: f.n_train].mean() - test_y) ** 2))
    assert h.test_mse == pytest.approx(r.metrics.set_index("split").mse["test"])


def test_a_run_whose_loss_barely_fell_stalled():
    r = run(replace(QUICK, learning_rate=0.0001, epochs=10))
    note = health_note(r)
    assert note is not None and note.key == "health.stalled"
    assert note.params["last"] > STALLED * note.params["mean"]
    renders(note)


def test_a_run_no_better_than_guessing_says_so():
    """The Overfitting scenario at seed 4: its test error is above both guesses."""
    cfg = ExperimentConfig(
        n_points=40, noise=0.3, hidden_size=128, epochs=500, learning_rate=0.003, seed=4
    )
    note = health_note(run(cfg))
    assert note is not None and note.key == "health.worse"
    assert note.params["test"] >= max(note.params["persistence"], note.params["mean"])
    renders(note)


def test_a_diverged_run_says_so_first():
    r = run(QUICK)
    note = health_note(replace(r, diverged=True, stopped_epoch=7))
    assert note.key == "health.diverged" and note.params == {"epoch": 7}
    renders(note)


finite = st.floats(1e-6, 10.0)


@given(finite, finite, finite, finite, finite, st.integers(1, 1000))
def test_the_verdict_follows_its_rules(test, persistence, mean, train_mean, last, epochs):
    h = Health(test, persistence, mean, train_mean, last, False, epochs)
    assert h.worse_than_guessing == (test >= persistence and test >= mean)
    assert h.stalled == (epochs >= MIN_EPOCHS and last > STALLED * train_mean)
    note = h.note()
    assert (note is None) == (not h.failed)
    if note is not None:
        assert note.key == ("health.stalled" if h.stalled else "health.worse")


def test_a_comparison_lists_its_failed_runs():
    stalled = replace(QUICK, learning_rate=0.0001, epochs=10)
    cmp = compare_models(stalled, models=("rnn", "gru"), seeds=(0, 1), run=run)
    assert set(cmp.failed) == {(m, s, "stalled") for m in ("rnn", "gru") for s in (0, 1)}
    notes = failed_notes(cmp)
    assert [n.params for n in notes][:1] == [{"model": "RNN", "seed": 0}]
    for note in notes:
        renders(note)
    assert compare_models(QUICK, models=("rnn",), seeds=(0,), run=run).failed == ()
