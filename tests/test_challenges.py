"""Challenge checks on real runs: each passes when it should and fails when it should."""

from __future__ import annotations

from functools import cache

import pytest

from playground import ExperimentConfig, run_experiment
import pandas as pd

from playground.workshop.challenges import CHALLENGES, Verdict, ratio_text
from playground.i18n import LANGUAGES, format_fields, strings, t


@cache
def run(cfg: ExperimentConfig):
    return run_experiment(cfg)


def verdict(key: str, cfg: ExperimentConfig) -> Verdict:
    return CHALLENGES[key].check(cfg, run(cfg))


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


def sweep(rows):
    """A Long memory sweep frame from (model, lag, seed, relative_mse) rows."""
    frame = pd.DataFrame(rows, columns=["model", "lag", "seed", "relative_mse"])
    return frame.assign(test_mse=frame.relative_mse / 3)


FORGOT = sweep(
    [(m, lag, s, v * (lag / 5 if m == "rnn" else 1))
     for m, v in (("rnn", 0.1), ("lstm", 0.05)) for lag in (5, 20) for s in (0, 1, 2)]
)  # fmt: skip


@pytest.mark.parametrize(
    ("cfg", "frame", "detail", "params"),
    [
        (ExperimentConfig(keep_gate_bias=4.0), FORGOT, "passed", {"lag": 20, "wins": 3, "n": 3}),
        (ExperimentConfig(keep_gate_bias=1.0), FORGOT, "low_bias", {"bias": 1.0}),
        (ExperimentConfig(keep_gate_bias=4.0), None, "needs_sweep", {}),
        (ExperimentConfig(keep_gate_bias=2.0), FORGOT[FORGOT.lag == 5], "needs_sweep", {}),
        (
            ExperimentConfig(keep_gate_bias=4.0),
            FORGOT.assign(relative_mse=FORGOT.relative_mse.where(FORGOT.seed != 1, 0.0)),
            "not_yet",
            {"lag": 20, "wins": 2, "n": 3},
        ),
    ],
)
def test_rnn_forgets_reads_the_memory_sweep(cfg, frame, detail, params):
    challenge = CHALLENGES["rnn_forgets"]
    assert challenge.needs == "memory"
    got = challenge.check(cfg, None, frame)
    assert got.key == f"challenge.rnn_forgets.{detail}" and got.passed is (detail == "passed")
    assert params.items() <= got.params.items()
    for lang in LANGUAGES:
        assert "{" not in t(lang, got.key, **got.params)


def test_ratio_is_rounded_to_what_matters():
    assert [ratio_text(x) for x in (3.44, 34.4, 999.4, 33828895.1)] == [
        "3.4",
        "34",
        "999",
        "1,000+",
    ]
