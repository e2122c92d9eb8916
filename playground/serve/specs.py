"""Vega-Lite specs for the page, with their data already Arrow bytes.

Building an Altair chart and turning it into a spec (`to_dict`, with schema validation)
costs tens of milliseconds per chart, and Streamlit converts a spec's DataFrames to
Arrow on every rerun of every session. Results are deterministic per key, so the page
builds each spec once, through the one cache (`serve.cache`, key `keys.spec_key`, which
holds the language: specs carry titles and labels in one language), with its data as
Arrow bytes that `st.vega_lite_chart` passes through. Measurements: bench/RESULTS.md.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
from altair.vegalite.v6.api import _dataset_name  # how Altair names a dataset

from playground.charts.train import (
    before_frame,
    before_layer,
    before_rows,
    loss_chart,
    metrics_chart,
    prediction_frames,
    predictions_chart,
    window_picker_chart,
)
from playground.charts.labels import CHART_MODELS, SPLITS, labels, stacked_legends, time_axis
from playground.i18n import t
from playground.pipeline.experiment import ExperimentResult


def arrow_bytes(rows: list[dict[str, Any]] | pd.DataFrame) -> bytes:
    """Altair's inline rows (or their DataFrame) as Arrow IPC stream bytes: what
    Streamlit would make of them on every rerun (a DataFrame, then
    `pa.Table.from_pandas`), made once."""
    table = pa.Table.from_pandas(rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows))
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def page_spec(chart: alt.TopLevelMixin, validate: bool = False) -> dict[str, Any]:
    """`chart.to_dict()` with its named datasets already Arrow bytes, which
    `st.vega_lite_chart` passes through instead of converting them on each rerun.

    Not validated against the Vega-Lite schema by default: validation is two thirds of
    a spec's build (~130 of ~200 ms for the Train charts), paid on a room's critical
    path after every new run, and it changes nothing in a spec. The tests build every
    page spec validated (`validate=True`) and check that it is the same spec."""
    spec = chart.to_dict(validate=validate)
    spec["datasets"] = {name: arrow_bytes(rows) for name, rows in spec["datasets"].items()}
    return spec


def build_chart_specs(result: ExperimentResult, lang: str = "en") -> dict[str, dict[str, Any]]:
    """The Vega-Lite spec of each chart of `result` (data as Arrow bytes, see
    `page_spec`), titled in `lang`: predictions, loss, metrics. Pure: the same result
    and language give equal specs."""
    return {
        "predictions": predictions_spec(result.predictions, lang),
        "loss": page_spec(loss_chart(result.losses, lang)),
        "metrics": page_spec(metrics_chart(result.metrics, lang)),
    }


_SHAPES: dict[tuple[str, str], dict[str, Any]] = {}  # a prediction chart's spec per shape


def predictions_spec(predictions: pd.DataFrame, lang: str = "en") -> dict[str, Any]:
    """`page_spec(predictions_chart(predictions, lang))`, made without Altair after the
    first run of its shape: a prediction chart's spec depends on the run only through
    its data and its time axis's format (`time_axis`), so the spec of the first chart of
    each shape (language, axis: a few per process) takes each run's data, written and
    named as Altair would (its data transformer, `_dataset_name`). ~11 ms, not an Altair
    build of ~45 ms on a room's critical path after every new run; the same spec as
    building it anew (tests/test_chart_specs.py)."""
    shape = (lang, json.dumps(time_axis(predictions.t).to_dict(), sort_keys=True))
    made = _SHAPES.get(shape)
    if made is None:
        made = _SHAPES[shape] = page_spec(predictions_chart(predictions, lang))
        return made
    rows = [
        alt.data_transformers.get()(frame)["values"] for frame in prediction_frames(predictions)
    ]
    names = [_dataset_name(values) for values in rows]
    used = list(dict.fromkeys(layer["data"]["name"] for layer in made["layer"]))
    if len(set(names)) != len(used):  # not this shape after all (equal datasets merge)
        return page_spec(predictions_chart(predictions, lang))
    rename = dict(zip(used, names, strict=True))
    layers = [layer | {"data": {"name": rename[layer["data"]["name"]]}} for layer in made["layer"]]
    return made | {
        "layer": layers,
        "datasets": {name: arrow_bytes(values) for name, values in zip(names, rows, strict=True)},
    }


CHANGE = "\ue000change\ue000"  # stands for what changed in a run's before/after template
STAND_IN = pd.DataFrame({"t": [0.0], "value": [0.0]})  # stands for the previous prediction


@functools.lru_cache(maxsize=None)
def _faint_line(lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The faint line's layer (its data the stand-in's, by name) and the chart's legend
    config, as Altair writes them, with the stand-in's dataset: built once per language."""
    spec = page_spec(stacked_legends(alt.layer(before_layer(STAND_IN, STAND_IN, CHANGE, lang))))
    (layer,) = spec["layer"]
    layer = {"data": spec.get("data", layer.get("data"))} | layer  # Altair lifts a lone layer's
    return layer, {"legend": spec["config"]["legend"], "datasets": spec["datasets"]}


@functools.lru_cache(maxsize=None)
def _stand_in_bytes(lang: str) -> bytes:
    """The stand-in's rows as the template holds them (how a fill finds them)."""
    return arrow_bytes(before_rows(STAND_IN, CHANGE, lang).to_dict("records"))


def before_after_template(plain: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """The prediction chart `plain` (a run's spec, `build_chart_specs`) with a stand-in
    previous prediction and label, filled in by `before_after_spec` for each previous
    run. Put together from `plain` and the faint line's layer (`_faint_line`, on the
    time axis every layer of `plain` shares): a few µs per run, where an Altair build
    costs ~45 ms on a room's critical path after every new run. The same spec as the
    chart built anew with Altair (tests/test_before_after.py)."""
    line, extra = _faint_line(lang)
    layers = list(plain["layer"])
    axis = layers[-1]["encoding"]["x"]
    layers.insert(-2, line | {"encoding": line["encoding"] | {"x": axis}})
    names = list(dict.fromkeys(layer["data"]["name"] for layer in layers))
    datasets = plain["datasets"] | extra["datasets"]
    return plain | {
        "config": plain["config"] | {"legend": extra["legend"]},
        "layer": layers,
        "datasets": {name: datasets[name] for name in names},  # in order of use, as Altair
    }


def faint_line_bytes(predictions: pd.DataFrame, label: str, lang: str = "en") -> bytes:
    """`arrow_bytes(before_rows(before_frame(predictions), label, lang))`, the same bytes
    made without pandas: ~0.2 ms, not ~3 ms, after every change of a room's sessions
    (each pair of runs has its own faint line). The columns go to Arrow as they are; the
    schema, with the pandas metadata the pandas route writes, is made once per length
    and types (`_faint_schema`)."""
    keep = predictions["series"].to_numpy() == "prediction"
    t_values = predictions["t"].to_numpy()[keep]
    values = predictions["value"].to_numpy()[keep]
    if t_values.dtype.kind not in "fiu" or values.dtype.kind != "f":  # not plain numbers
        return arrow_bytes(before_rows(before_frame(predictions), label, lang))
    finite = np.isfinite(values)
    t_values, values = t_values[finite], values[finite]
    n = len(values)
    if n == 0:  # nothing drawn
        return arrow_bytes(before_rows(before_frame(predictions), label, lang))
    legend = t(lang, "before_after.legend", changes=label)
    table = pa.Table.from_arrays(
        [
            pa.array(t_values),
            pa.array(values),
            pa.array([str(label)] * n, pa.string()),
            pa.array([legend] * n, pa.string()),
        ],
        schema=_faint_schema(n, str(t_values.dtype), str(values.dtype)),
    )
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@functools.lru_cache(maxsize=64)
def _faint_schema(n: int, t_dtype: str, value_dtype: str) -> pa.Schema:
    """The Arrow schema `arrow_bytes` gives `n` faint-line rows (`before_rows`) of these
    column types, pandas metadata included (it holds the row count)."""
    frame = pd.DataFrame({"t": np.zeros(n, t_dtype), "value": np.zeros(n, value_dtype)})
    return pa.Table.from_pandas(before_rows(frame, "", "en")).schema


def before_after_spec(
    result: ExperimentResult,
    previous: ExperimentResult,
    label: str,
    lang: str = "en",
    template: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The prediction chart of `result` with `previous`'s prediction as a faint line
    whose legend says `label` (what changed). Its own spec, per (previous run, run,
    language): the shared spec of `result` stays without it. Made from `result`'s
    template (`before_after_template`): the stand-in's rows (line and label: the label
    is data, see `charts.train.before_rows`) replaced by `previous`'s; the same spec as
    building the chart anew (tests/test_before_after.py), and the same as every other
    before/after spec of the page's layout, datasets aside."""
    if template is None:
        template = before_after_template(build_chart_specs(result, lang)["predictions"], lang)
    stand_in = _stand_in_bytes(lang)
    rows = faint_line_bytes(previous.predictions, label, lang)
    datasets = {
        name: rows if data == stand_in else data for name, data in template["datasets"].items()
    }
    return template | {"datasets": datasets}


def window_picker_spec(result: ExperimentResult, lang: str = "en") -> dict[str, Any]:
    """The prediction chart on which a click picks a window (`window_picker_chart`),
    window 0 marked (`charts.train.with_window` moves the mark on this spec)."""
    return page_spec(window_picker_chart(result.predictions, lang))


def errors_table(metrics: pd.DataFrame, lang: str) -> pa.Table:
    """`metrics` with its model and split keys in `lang`'s words, as the Arrow table
    `st.dataframe` would make of it (pandas' map and the Arrow conversion: ~5 ms of CPU,
    which a room would otherwise pay on every rerun of every session)."""
    shown = metrics.assign(
        model=metrics.model.map(labels(lang, "model", CHART_MODELS)),
        split=metrics.split.map(labels(lang, "split", SPLITS)),
    )
    return pa.Table.from_pandas(shown, preserve_index=False)
