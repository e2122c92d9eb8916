"""Before and after, on the page (AppTest): when a setting changes, the Train tab's
prediction chart keeps the previous run's prediction as a faint line labelled with what
changed, until the next change; never in another session's chart of the same run, never
across another series."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from pagekit import run_app, widget
from test_app_upload import ramp, upload

EPOCHS = "3"


def prediction_chart(at):
    """The Train tab's prediction chart: its spec (a dict) and its datasets by name."""
    chart = at.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    data = {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets}
    return spec, data


def sent_spec(at) -> dict:
    """The prediction chart's spec as sent, its datasets (Arrow bytes) by name."""
    chart = at.get("vega_lite_chart")[0]
    datasets = {d.name: d.data.data for d in chart.proto.datasets}
    return json.loads(chart.proto.spec) | {"datasets": datasets}


def faint_lines(spec) -> list[dict]:
    """The layers drawn as a dashed line: the previous run's prediction."""
    return [
        layer
        for layer in spec.get("layer", [])
        if isinstance(layer.get("mark"), dict)
        and layer["mark"].get("type") == "line"
        and layer["mark"].get("strokeDash")
    ]


def before_label(chart, column: str = "change") -> str | None:
    """The label of the faint line of `chart` (spec, datasets): what changed (its one
    `change` value; `legend`: its legend's text), or None without one."""
    spec, data = chart
    lines = faint_lines(spec)
    if not lines:
        return None
    (line,) = lines
    (label,) = set(data[line["data"]["name"]][column])
    return label


def predicted(data) -> list[float]:
    """The prediction values the chart's main dataset holds."""
    (main,) = [f for f in data.values() if "series" in f.columns]
    return main[main.series == "prediction"].value.round(6).tolist()


def faint_values(spec, data) -> list[float]:
    (line,) = faint_lines(spec)
    return data[line["data"]["name"]].value.round(6).tolist()


@pytest.fixture(scope="module")
def changed_once():
    """A page at hidden 32, then hidden 64: (its chart before, the app after)."""
    at = run_app(epochs=EPOCHS)
    first = prediction_chart(at)
    widget(at, "hidden_size").set_value(64).run()
    assert not at.exception, at.exception
    return first, at


def test_no_line_before_any_change(changed_once):
    first, _ = changed_once
    assert before_label(first) is None


def test_a_change_leaves_the_previous_prediction_faint_and_labelled(changed_once):
    (_, first_data), at = changed_once
    spec, data = prediction_chart(at)
    assert before_label((spec, data)) == "Hidden size 32 → 64"
    assert faint_values(spec, data) == predicted(first_data)  # the run at hidden 32
    assert predicted(data) != predicted(first_data)  # drawn under this run's own
    assert before_label((spec, data), "legend") == "Before: Hidden size 32 → 64"
    assert faint_lines(spec)[0]["encoding"]["stroke"]["field"] == "legend"  # its legend says it
    assert not at.error and not at.warning


def test_the_line_speaks_the_readers_language():
    at = run_app(epochs=EPOCHS)
    widget(at, "hidden_size").set_value(64).run()
    at.selectbox(key="lang").select("zh").run()  # no new run: the line stays, in Chinese
    assert before_label(prediction_chart(at)) == "隐藏层大小 32 → 64"


def test_the_next_change_replaces_it():
    at = run_app(epochs=EPOCHS)
    widget(at, "hidden_size").set_value(64).run()
    middle = predicted(prediction_chart(at)[1])
    widget(at, "model").select("lstm").run()
    spec, data = prediction_chart(at)
    assert before_label((spec, data)) == "Model type RNN → LSTM"  # the hidden change is gone
    assert faint_values(spec, data) == middle  # the run it replaced: hidden 64, RNN
    at.run()  # a rerun with no change keeps it
    assert before_label(prediction_chart(at)) == "Model type RNN → LSTM"


def test_after_each_change_the_chart_is_the_same_spec_with_other_data():
    """What changed is data, not spec: Streamlit's frontend embeds a chart anew (a
    Vega-Lite compile, ~40 ms in the browser) only when its spec, dataset names aside,
    changes; otherwise it swaps the data. Two changes in a row give two specs equal but
    for their datasets."""
    at = run_app(epochs=EPOCHS)
    widget(at, "hidden_size").set_value(64).run()
    first = sent_spec(at)
    widget(at, "noise").set_value(0.2).run()
    second = sent_spec(at)
    assert before_label(prediction_chart(at)) == "Noise (σ) 0.1 → 0.2"
    (spec_1, rows_1), (spec_2, rows_2) = normalized(first), normalized(second)
    assert spec_1 == spec_2
    assert rows_1 != rows_2


def test_another_session_of_the_same_run_has_no_line(changed_once):
    """The faint line is per session: the shared spec of the run at hidden 64 (cached
    for every session) stays without it."""
    _, at = changed_once
    other = run_app(epochs=EPOCHS, hidden_size="64")
    assert before_label(prediction_chart(other)) is None
    assert before_label(prediction_chart(at)) == "Hidden size 32 → 64"


def test_no_line_across_another_series():
    """A file is another series than the built-in signal (and another signal than the
    sine): the previous prediction would not be about these points."""
    at = run_app(epochs=EPOCHS)
    upload(at, "good.csv", ramp(60))
    assert before_label(prediction_chart(at)) is None
    widget(at, "hidden_size").set_value(16).run()  # on the same file: a line again
    assert before_label(prediction_chart(at)) == "Hidden size 32 → 16"
    upload(at, "", None)  # back to the sine: another series
    assert before_label(prediction_chart(at)) is None
    widget(at, "signal").select("square").run()
    assert before_label(prediction_chart(at)) is None


# ---- Specs compared as JSON, datasets named by order of use ------------------------------
def normalized(spec: dict) -> tuple[str, list]:
    """`spec` as JSON with its datasets named by order of first use, and their rows."""
    import re

    decoded = {
        name: pa.ipc.open_stream(data).read_pandas() for name, data in spec["datasets"].items()
    }
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
    order = list(dict.fromkeys(re.findall(r'"(data-[0-9a-f]+)"', text)))
    for i, name in enumerate(order):
        text = text.replace(f'"{name}"', f'"dataset-{i}"')
    return text, [decoded[name].to_dict("records") for name in order]
