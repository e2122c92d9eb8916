"""Vega-Lite specs for the page, with their data already Arrow bytes.

Building an Altair chart and turning it into a spec (`to_dict`, with schema validation)
costs tens of milliseconds per chart, and Streamlit converts a spec's DataFrames to
Arrow on every rerun of every session. Results are deterministic per key, so the page
builds each spec once, through the one cache (`serve.cache`, key `keys.spec_key`, which
holds the language: specs carry titles and labels in one language), with its data as
Arrow bytes that `st.vega_lite_chart` passes through. Measurements: bench/RESULTS.md.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa

from playground.charts.labels import CHART_MODELS, SPLITS, labels
from playground.charts.train import (
    before_frame,
    loss_chart,
    metrics_chart,
    predictions_chart,
    window_picker_chart,
)
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
        "predictions": page_spec(predictions_chart(result.predictions, lang)),
        "loss": page_spec(loss_chart(result.losses, lang)),
        "metrics": page_spec(metrics_chart(result.metrics, lang)),
    }


def before_after_spec(
    result: ExperimentResult, previous: ExperimentResult, label: str, lang: str = "en"
) -> dict[str, Any]:
    """The prediction chart of `result` with `previous`'s prediction as a faint line
    whose legend says `label` (what changed), built by Altair: its own spec per
    (previous run, run, language), made once (the page shares it); the shared spec of
    `result` stays without it."""
    return page_spec(
        predictions_chart(result.predictions, lang, before_frame(previous.predictions), label)
    )


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
