"""chart_specs: the cached specs are the specs Altair builds, built once per config and
language."""

from __future__ import annotations

from dataclasses import replace

from playground import ExperimentConfig, run_experiment
from playground import chart_specs as cs
from speckit import has_cjk, titles, without_text


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


def test_each_language_gets_its_own_specs_for_one_result_key() -> None:
    result = run_experiment(ExperimentConfig(epochs=1, seed=5))
    key = ("run", result.config.key(), None)  # as the page names a run
    en = cs.chart_specs(result, key, "en")
    zh = cs.chart_specs(result, key, "zh")
    assert zh is not en and zh != en
    assert zh == cs.build_chart_specs(result, "zh")
    assert cs.chart_specs(result, key) is en  # English is the default
    assert cs.chart_specs(result, key, "zh") is zh  # each built once
    for name in ("predictions", "loss", "metrics"):
        assert without_text(zh[name]) == without_text(en[name])  # the same data
        assert all(has_cjk(title) for title in titles(zh[name])), name
        assert not any(has_cjk(title) for title in titles(en[name])), name


def test_concurrent_callers_build_once(monkeypatch) -> None:
    import threading

    result = run_experiment(ExperimentConfig(epochs=1, seed=77))
    builds: list[int] = []
    real_build = cs.build_chart_specs
    started = threading.Event()
    release = threading.Event()

    def slow_build(r, lang):
        builds.append(1)
        started.set()
        release.wait(10)
        return real_build(r, lang)

    monkeypatch.setattr(cs, "build_chart_specs", slow_build)
    got: list[object] = []
    threads = [
        threading.Thread(target=lambda: got.append(cs.chart_specs(result))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    started.wait(10)
    release.set()
    for t in threads:
        t.join(10)
    assert builds == [1]
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_datasets_are_the_arrow_bytes_streamlit_would_make() -> None:
    """The page's specs carry Arrow bytes equal to Streamlit's own conversion of the
    rows Altair inlines, so the browser gets the same data without the per-rerun work."""
    import pyarrow as pa
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes

    from playground.charts import predictions_chart

    result = run_experiment(ExperimentConfig(epochs=2))
    rows = predictions_chart(result.predictions).to_dict()["datasets"]
    spec = cs.build_chart_specs(result)["predictions"]
    assert spec["datasets"].keys() == rows.keys()
    for name, data in spec["datasets"].items():
        assert isinstance(data, bytes)
        assert data == convert_anything_to_arrow_bytes(rows[name])
        back = pa.ipc.open_stream(data).read_pandas()
        assert back.to_dict("records") == rows[name]


def test_cached_spec_builds_once_per_key() -> None:
    """The learning views' charts: one build per key, whoever asks."""
    builds: list[str] = []

    def build(name: str):
        builds.append(name)
        return {"name": name}

    first = cs.cached_spec(("view", "test-a"), lambda: build("a"))
    assert cs.cached_spec(("view", "test-a"), lambda: build("again")) is first
    assert cs.cached_spec(("view", "test-b"), lambda: build("b")) == {"name": "b"}
    assert builds == ["a", "b"]
