"""Chart specs: what Altair builds, data as Arrow bytes, built once per key and language
through the one cache."""

from __future__ import annotations

import pytest

from playground import ExperimentConfig, run_experiment
from playground.serve import specs as cs
from playground.serve.cache import RunCache
from playground.serve.keys import SIGNAL, run_key, spec_key
from speckit import has_cjk, titles, without_text


def test_specs_go_through_the_one_cache_once_per_key_and_language() -> None:
    result = run_experiment(ExperimentConfig(epochs=2))
    cache, built = RunCache(max_workers=1), []
    key = run_key(result.config, SIGNAL)

    def specs(lang):
        def build(report):
            built.append(lang)
            return cs.build_chart_specs(result, lang)

        return cache.get_or_compute(spec_key(key, "run", lang), build, pooled=False)

    en, zh = specs("en"), specs("zh")
    assert specs("en") is en and specs("zh") is zh and built == ["en", "zh"]
    assert en == cs.build_chart_specs(result)  # what Altair builds, every time
    assert titles(zh) != titles(en) and has_cjk(" ".join(titles(zh)))
    assert without_text(zh) == without_text(en)  # the same data and marks


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


def test_train_specs_are_valid_vega_lite_as_served() -> None:
    """The Train charts, the before/after chart and the window picker are served without
    schema validation; validated they are the same specs (and validation passes)."""
    import altair as alt

    from playground.charts import train as ct

    result = run_experiment(ExperimentConfig(epochs=2))
    previous = run_experiment(ExperimentConfig(epochs=2, hidden_size=8))
    before = ct.before_frame(previous.predictions)
    for lang in ("en", "zh"):
        charts = [
            ct.predictions_chart(result.predictions, lang),
            ct.predictions_chart(result.predictions, lang, before, "Before: hidden 8 → 32"),
            ct.loss_chart(result.losses, lang),
            ct.metrics_chart(result.metrics, lang),
            ct.window_picker_chart(result.predictions, lang),
        ]
        for chart in charts:
            assert cs.page_spec(chart) == cs.page_spec(chart, validate=True)
    broken = alt.Chart(result.losses).mark_line().encode(x=alt.X("epoch:Q", bin="yes"))
    with pytest.raises(Exception, match="bin"):  # validation does check
        cs.page_spec(broken, validate=True)
