"""Challenge checks on real runs: each card is judged on its median over three seeds, the
settings rules answer before any run, and the page's verdict is `challenge.judge`."""

from __future__ import annotations

from localekit import format_fields

from functools import cache

import pandas as pd
import pytest

from playground import ExperimentConfig, run_experiment
from playground.i18n import LANGUAGES, strings, t
from playground.workshop.challenges import (
    CHALLENGES,
    JUDGED_SEEDS,
    Verdict,
    judged_configs,
    ratio_text,
)


@cache
def run(cfg: ExperimentConfig):
    return run_experiment(cfg)


def verdict(key: str, cfg: ExperimentConfig) -> Verdict:
    return CHALLENGES[key].judge(cfg, run=run)


def renders(got: Verdict) -> None:
    for lang in LANGUAGES:  # the detail renders with exactly the fields it needs
        assert format_fields(strings(lang)[got.key]) <= set(got.params)
        assert "{" not in t(lang, got.key, **got.params)


CASES = [
    # (challenge, config, passed, detail key suffix): short runs, cheap to judge
    ("small_model", ExperimentConfig(hidden_size=8, epochs=20), False, "not_yet"),
    ("small_model", ExperimentConfig(hidden_size=9, epochs=5), False, "too_big"),
    ("small_model", ExperimentConfig(hidden_size=8, noise=0.0, epochs=5), False, "too_easy"),
    ("quick_learner", ExperimentConfig(epochs=10), False, "not_yet"),
    ("quick_learner", ExperimentConfig(epochs=11, learning_rate=0.03), False, "too_long"),
    ("quick_learner", ExperimentConfig(epochs=10, noise=0.05), False, "too_easy"),
    ("overfit", ExperimentConfig(epochs=30), False, "not_yet"),
]


@pytest.mark.parametrize(
    ("key", "cfg", "passed", "detail"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES]
)
def test_check_on_real_runs(key, cfg, passed, detail):
    got = verdict(key, cfg)
    assert got.passed is passed
    assert got.key == f"challenge.{key}.{detail}"
    renders(got)


def test_a_card_is_judged_on_the_median_of_the_seed_and_the_next_two():
    cfg = ExperimentConfig(hidden_size=8, epochs=20, seed=9999)
    assert [c.seed for c in judged_configs(cfg)] == [9999, 0, 1]  # wraps in the seed bounds
    assert JUDGED_SEEDS == 3
    runs = [run(c) for c in judged_configs(cfg)]
    rmse = sorted(float(r.metrics.set_index("split").rmse["test"]) for r in runs)
    got = verdict("small_model", cfg)
    assert got.params["rmse"] == pytest.approx(rmse[1]) and got.params["seeds"] == "9999, 0, 1"


def test_settings_rules_answer_without_a_run():
    calls = []
    cfg = ExperimentConfig(hidden_size=9)
    got = CHALLENGES["small_model"].judge(cfg, run=lambda c: calls.append(c) or run(c))
    assert got.key == "challenge.small_model.too_big" and calls == []
    assert CHALLENGES["small_model"].rule(ExperimentConfig(hidden_size=8)) is None


def test_checks_are_deterministic():
    cfg = ExperimentConfig(hidden_size=8, epochs=20)
    assert verdict("small_model", cfg) == CHALLENGES["small_model"].judge(cfg)


def test_every_example_is_a_valid_link_within_the_rules():
    for challenge in CHALLENGES.values():
        cfg = challenge.example_config()
        assert challenge.example and cfg.to_query_params().items() >= challenge.example.items()
        assert challenge.rule(cfg) is None


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
        (ExperimentConfig(keep_gate_bias=4.0), FORGOT, "passed", {"lag": 20, "n": 3}),
        (ExperimentConfig(keep_gate_bias=1.0), FORGOT, "low_bias", {"bias": 1.0}),
        (ExperimentConfig(keep_gate_bias=4.0), None, "needs_sweep", {}),
        (ExperimentConfig(keep_gate_bias=2.0), FORGOT[FORGOT.lag == 5], "needs_sweep", {}),
        (  # one seed where the RNN recalls perfectly: the median still passes
            ExperimentConfig(keep_gate_bias=4.0),
            FORGOT.assign(relative_mse=FORGOT.relative_mse.where(FORGOT.seed != 1, 0.0)),
            "passed",
            {"lag": 20, "n": 3},
        ),
        (  # two such seeds: the median does not
            ExperimentConfig(keep_gate_bias=4.0),
            FORGOT.assign(relative_mse=FORGOT.relative_mse.where(FORGOT.seed == 0, 0.0)),
            "not_yet",
            {"lag": 20, "n": 3, "rnn": 0.0, "lstm": 0.0},
        ),
    ],
)
def test_rnn_forgets_reads_the_memory_sweep(cfg, frame, detail, params):
    challenge = CHALLENGES["rnn_forgets"]
    assert challenge.needs == "memory"
    got = challenge.check(cfg, None, frame)
    assert got.key == f"challenge.rnn_forgets.{detail}" and got.passed is (detail == "passed")
    assert params.items() <= got.params.items()
    renders(got)


def test_the_memory_judge_trains_the_longest_lags_rnn_and_lstm_only():
    asked = []

    def memory(mc):
        asked.append(mc)
        return type("Runs", (), {"sweep": FORGOT[FORGOT.lag == 20]})()

    challenge = CHALLENGES["rnn_forgets"]
    got = challenge.judge(ExperimentConfig(keep_gate_bias=4.0), memory=memory, lag=20)
    (mc,) = asked
    assert mc.lags == (20,) and mc.models == ("rnn", "lstm") and mc.seeds == (0, 1, 2)
    assert mc.keep_gate_bias == 4.0 and got.passed
    assert challenge.judge(ExperimentConfig(), memory=memory).key.endswith("low_bias")


def test_ratio_is_rounded_to_what_matters():
    assert [ratio_text(x) for x in (3.44, 34.4, 999.4, 33828895.1)] == [
        "3.4",
        "34",
        "999",
        "1,000+",
    ]


def test_the_overfit_example_is_the_overfitting_scenario():
    from playground.workshop.presets import PRESETS

    assert CHALLENGES["overfit"].example_config() == PRESETS["overfitting"].config
