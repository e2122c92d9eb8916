"""chart_specs: the cached specs are the specs Altair builds, built once per config."""

from __future__ import annotations

from dataclasses import replace

from playground import ExperimentConfig, run_experiment
from playground import chart_specs as cs


def test_cached_specs_equal_a_fresh_build_and_are_reused() -> None:
    result = run_experiment(ExperimentConfig(epochs=2))
    first = cs.chart_specs(result)
    assert first == cs.build_chart_specs(result)
    assert set(first) == {"predictions", "loss", "metrics"}
    assert cs.chart_specs(result) is first  # built once


def test_specs_differ_per_config_and_the_cache_stays_bounded(monkeypatch) -> None:
    monkeypatch.setattr(cs, "MAX_SPECS", 2)
    results = [run_experiment(ExperimentConfig(epochs=1, seed=s)) for s in range(3)]
    specs = [cs.chart_specs(r) for r in results]
    assert specs[0]["predictions"] != specs[1]["predictions"]
    assert len(cs._specs) <= 2
    again = run_experiment(replace(results[2].config))
    assert cs.chart_specs(again) is specs[2]  # the newest entry survived
