"""Vega-Lite specs of a result's charts, built once per config and reused.

Building an Altair chart and turning it into a spec (`to_dict`, with schema validation)
costs tens of milliseconds per chart, and Streamlit does it on every rerun of every
session, under one process-wide lock. Results are deterministic per config, so the specs
are too: build them once, keep a bounded LRU keyed by the config, and let the page draw
them with `st.vega_lite_chart(spec)`. Their data is Arrow bytes already, so a rerun does
not even convert it (~5 ms of CPU per rerun for the three charts). When a room of
sessions asks for the same new result at once, one thread builds and the others wait for
it (building it 50 times was most of the server's time in bench_load scenario a).
Specs carry their titles and labels in one language, so the language is part of the key.
The learning views' charts go through the same cache (`cached_spec`): without it, a
rerun with the Compare or Forecast tab open rebuilt their charts (~80-100 ms) each time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import pyarrow as pa

from .charts import loss_chart, metrics_chart, predictions_chart
from .experiment import ExperimentResult

# Entries kept: a run's three specs in one language count as one entry, and each chart of
# a learning view as one (a result's views in two languages: about 10 entries).
MAX_SPECS = 256

T = TypeVar("T")
_specs: OrderedDict[Hashable, Any] = OrderedDict()
_building: dict[Hashable, threading.Lock] = {}  # key -> held while one thread builds it
_lock = threading.Lock()


def arrow_bytes(rows: list[dict[str, Any]]) -> bytes:
    """Altair's inline rows as Arrow IPC stream bytes: what Streamlit would make of them
    on every rerun (a DataFrame, then `pa.Table.from_pandas`), made once."""
    table = pa.Table.from_pandas(pd.DataFrame(rows))
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def page_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """`chart.to_dict()` with its named datasets already Arrow bytes, which
    `st.vega_lite_chart` passes through instead of converting them on each rerun."""
    spec = chart.to_dict()
    spec["datasets"] = {name: arrow_bytes(rows) for name, rows in spec["datasets"].items()}
    return spec


def build_chart_specs(result: ExperimentResult, lang: str = "en") -> dict[str, dict[str, Any]]:
    """The Vega-Lite spec of each chart of `result` (data as Arrow bytes, see
    `page_spec`), titled in `lang`: predictions, loss, metrics. Pure: the same result
    and language give equal specs."""
    return {
        "predictions": page_spec(predictions_chart(result.predictions, lang)),
        "loss": page_spec(loss_chart(result.losses, lang)),
        "metrics": page_spec(metrics_chart(result.metrics, lang)),
    }


def cached_spec(key: Hashable, build: Callable[[], T]) -> T:
    """`build()`, cached under `key` (bounded LRU, shared by every session). When several
    threads ask for a missing key at once, one builds and the others wait for it.

    Callers must not mutate what comes back (Streamlit copies what it changes).
    """
    while True:
        with _lock:
            if key in _specs:
                _specs.move_to_end(key)
                return _specs[key]
            building = _building.get(key)
            if building is None:
                building = _building[key] = threading.Lock()
                building.acquire()
                break
        with building:  # another thread is building this key: wait, then look again
            pass
    try:
        value = build()
        with _lock:
            _specs[key] = value
            _specs.move_to_end(key)
            while len(_specs) > MAX_SPECS:
                _specs.popitem(last=False)
        return value
    finally:
        with _lock:
            del _building[key]
        building.release()


def chart_specs(
    result: ExperimentResult, key: Hashable | None = None, lang: str = "en"
) -> dict[str, dict[str, Any]]:
    """`build_chart_specs(result, lang)`, cached by the result's config and the language.

    `key` names the result (default: its config); pass the page's own cache key when
    the data is not the config's alone (an uploaded series).
    """
    key = ("run", result.config.key() if key is None else key, lang)
    return cached_spec(key, lambda: build_chart_specs(result, lang))
