"""Challenge checks on real runs: each passes when it should and fails when it should."""

from __future__ import annotations

from functools import cache

import pytest

from playground import ExperimentConfig, run_experiment
from playground.workshop.challenges import CHALLENGES, Verdict, lstm_twin
from playground.i18n import LANGUAGES, format_fields, strings, t


@cache
def run(cfg: ExperimentConfig):
    return run_experiment(cfg)


def verdict(key: str, cfg: ExperimentConfig, with_reference: bool = True) -> Verdict:
    challenge = CHALLENGES[key]
    ref_cfg = challenge.reference_config(cfg) if with_reference else None
    reference = run(ref_cfg) if ref_cfg is not None else None
    return challenge.check(cfg, run(cfg), reference)


CASES = [
    # (challenge, config, passed, detail key suffix)
    ("small_model", ExperimentConfig(hidden_size=8, epochs=300), True, "passed"),
    ("small_model", ExperimentConfig(hidden_size=8, epochs=20), False, "not_yet"),
    ("small_model", ExperimentConfig(hidden_size=9, epochs=5), False, "too_big"),
    ("small_model", ExperimentConfig(hidden_size=8, noise=0.0, epochs=5), False, "too_easy"),
    ("quick_learner", ExperimentConfig(epochs=10, learning_rate=0.03), True, "passed"),
    ("quick_learner", ExperimentConfig(epochs=10), False, "not_yet"),
    ("quick_learner", ExperimentConfig(epochs=11, learning_rate=0.03), False, "too_long"),
    ("quick_learner", ExperimentConfig(epochs=10, noise=0.05), False, "too_easy"),
    (
        "overfit",
        ExperimentConfig(n_points=40, noise=0.2, hidden_size=64, epochs=500),
        True,
        "passed",
    ),
    ("overfit", ExperimentConfig(epochs=30), False, "not_yet"),
    ("rnn_forgets", ExperimentConfig(n_points=100, seq_length=50, epochs=30), True, "passed"),
    ("rnn_forgets", ExperimentConfig(n_points=200, seq_length=60, epochs=30), False, "not_yet"),
    ("rnn_forgets", ExperimentConfig(seq_length=10, epochs=5), False, "short_window"),
    (
        "rnn_forgets",
        ExperimentConfig(model="gru", n_points=100, seq_length=50, epochs=5),
        False,
        "wrong_model",
    ),
]


@pytest.mark.parametrize(
    ("key", "cfg", "passed", "detail"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES]
)
def test_check_on_real_runs(key, cfg, passed, detail):
    got = verdict(key, cfg)
    assert got.passed is passed
    assert got.key == f"challenge.{key}.{detail}"
    for lang in LANGUAGES:  # the detail renders with exactly the fields it needs
        assert format_fields(strings(lang)[got.key]) <= set(got.params)
        assert "{" not in t(lang, got.key, **got.params)


def test_checks_are_deterministic():
    cfg = ExperimentConfig(hidden_size=8, epochs=20)
    assert verdict("small_model", cfg) == CHALLENGES["small_model"].check(cfg, run_experiment(cfg))


def test_rnn_forgets_needs_the_right_reference():
    cfg = ExperimentConfig(n_points=100, seq_length=50, epochs=30)
    assert verdict("rnn_forgets", cfg, with_reference=False).key == (
        "challenge.rnn_forgets.needs_reference"
    )
    # A reference run of other settings does not count.
    wrong = run(ExperimentConfig(model="lstm", epochs=5))
    got = CHALLENGES["rnn_forgets"].check(cfg, run(cfg), wrong)
    assert got.key == "challenge.rnn_forgets.needs_reference" and not got.passed


def test_lstm_twin():
    cfg = ExperimentConfig(n_points=100, seq_length=50, epochs=30)
    assert lstm_twin(cfg) == ExperimentConfig(model="lstm", n_points=100, seq_length=50, epochs=30)
    assert lstm_twin(ExperimentConfig(model="gru")) is None
    big = ExperimentConfig(
        hidden_size=128, n_points=1000, seq_length=60, num_layers=3, epochs=1000
    ).within_budget()
    assert lstm_twin(big).epochs <= big.epochs  # the twin stays within budget


@pytest.mark.parametrize("challenge", CHALLENGES.values(), ids=lambda c: c.key)
def test_cards_are_translated(challenge):
    for lang in LANGUAGES:
        assert challenge.title_key in strings(lang)
        goal = t(lang, challenge.goal_key, **challenge.goal)
        assert "{" not in goal and goal != challenge.goal_key
