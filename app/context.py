"""The page context handed to every view: who reads (language, instructor options),
what runs (config, data, the main result), and the helpers to run work through the one
cache with a progress bar, draw a chart, explain and show errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from playground import ExperimentConfig, run_experiment
from playground.charts import METRICS, MODELS, SPLITS, labels
from playground.i18n import Note, render, t
from playground.pipeline.experiment import ExperimentResult
from playground.serve.cache import RunCache, Status
from playground.serve.keys import Data, run_key, spec_key
from playground.serve.specs import page_spec
from playground.workshop.instructor import InstructorOptions

PROGRESS_INTERVAL_S = 0.15  # at most ~7 progress-bar updates a second


@st.cache_resource
def shared_cache() -> RunCache:
    """The one cache of this server process: runs, view results and chart specs."""
    return RunCache()


def progress_reporter(bar, lang: str) -> Callable[[Status], None]:
    """A status callback that redraws `bar` at most every PROGRESS_INTERVAL_S. Work
    reports (fraction done, Note); each waiting session renders it in its own language."""
    last = [0.0]

    def on_status(status: Status) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_S:
            return
        last[0] = now
        if status.state == "queued":
            bar.progress(0.0, text=t(lang, "progress.queued", ahead=status.ahead))
        elif status.progress is None:
            bar.progress(0.0, text=t(lang, "progress.starting"))
        else:
            fraction, note = status.progress
            bar.progress(min(max(fraction, 0.0), 1.0), text=render(lang, note))

    return on_status


def epoch_reporter(report: Callable[[Any], None], total: int):
    """An on_epoch callback that reports (fraction, Note) to the cache."""
    return lambda e, tr, te: report(
        (e / total, Note("progress.epoch", {"epoch": e, "total": total, "train": tr, "test": te}))
    )


@dataclass
class PageContext:
    """Everything a view needs; views read it and call its helpers, nothing global."""

    lang: str  # "en" | "zh"
    options: InstructorOptions  # the instructor's link: locks, hidden text
    cfg: ExperimentConfig  # the settings that run (clamped, budgeted)
    data: Data  # the signal or the uploaded series
    cache: RunCache = field(default_factory=shared_cache)
    result: ExperimentResult | None = None  # the main run, once trained

    def t(self, key: str, **params: Any) -> str:
        """The string `key` in the reader's language."""
        return t(self.lang, key, **params)

    def cached(self, key: Hashable, compute: Callable[[Callable[[Any], None]], Any]) -> Any:
        """`compute(report)` through the shared cache, with a progress bar on a miss."""
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        bar = st.progress(0.0, text=self.t("progress.starting"))
        try:
            return self.cache.get_or_compute(key, compute, progress_reporter(bar, self.lang))
        finally:
            bar.empty()

    def run(self, cfg: ExperimentConfig) -> ExperimentResult:
        """The run of `cfg` on the page's data, through the cache."""
        return self.cached(
            run_key(cfg, self.data),
            lambda report: run_experiment(
                cfg, epoch_reporter(report, cfg.epochs), series=self.data.series
            ),
        )

    def spec(self, of: tuple, chart: str, build: Callable[[], Any]) -> dict:
        """The page spec of `build()` (an Altair chart), built once per key and language
        and shared by every session."""
        return self.cache.get_or_compute(
            spec_key(of, chart, self.lang), lambda report: page_spec(build()), pooled=False
        )

    def draw(self, of: tuple, chart: str, build: Callable[[], Any], container=st) -> None:
        """Draw the chart `build()` makes, full width, from its cached spec."""
        container.vega_lite_chart(self.spec(of, chart, build), width="stretch")

    def explain(self, view: str) -> None:
        """The explanation of `view`, unless the instructor hid explanations."""
        if not self.options.hide_text:
            st.info(self.t(f"view.{view}.explain"), icon=":material/lightbulb:")

    def metrics_table(self, metrics, container=st) -> None:
        """The errors table in the reader's language (the frame keeps its keys)."""
        shown = metrics.assign(
            model=metrics.model.map(labels(self.lang, "model", MODELS)),
            split=metrics.split.map(labels(self.lang, "split", SPLITS)),
        )
        columns = {
            "model": st.column_config.TextColumn(self.t("chart.title.model")),
            "split": st.column_config.TextColumn(self.t("chart.title.split")),
        } | {
            m: st.column_config.NumberColumn(self.t(f"chart.metric.{m}"), format="%.5f")
            for m in METRICS
        }
        container.dataframe(shown, hide_index=True, column_config=columns)
