"""The page context handed to every view: who reads (language, instructor options),
what runs (config, data, the main result), and the helpers to run work through the one
cache with a progress bar, draw a chart, explain and show errors."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from app.run import warm
from playground import ExperimentConfig
from playground.config import MAX_WORK
from playground.charts import METRICS
from playground.i18n import Note, render_note, t
from playground.pipeline.experiment import ExperimentResult
from playground.serve.cache import RunCache, Status
from playground.serve.memory import freeze_heap
from playground.serve.keys import Data, run_key, spec_key
from playground.serve.specs import page_spec
from playground.warm import start_warm_up
from playground.views.plan import Plan, Step, trains
from playground.workshop.instructor import InstructorOptions

PROGRESS_INTERVAL_S = 0.15  # at most ~7 progress-bar updates a second
# A view's runs train side by side on the pool only for runs whose epoch costs at most
# this (work units, see config.MAX_WORK): 200 such epochs fit one run's budget. The
# tutorial's LSTM epoch is MAX_WORK / 1435; the largest settings (hidden 128, window 50,
# 1000 points) are far above, and two of those at once would double the peak memory.
PARALLEL_EPOCH_WORK = MAX_WORK / 200
PROGRESS_SLOT_PX = 56  # the progress bar's reserved place: its text line and bar


@st.cache_resource
def shared_cache() -> RunCache:
    """The one cache of this server process: runs, view results and chart specs. Made
    with the server's first session, which starts the warm-up (playground/warm.py) unless
    PLAYGROUND_WARM_UP=0. The page's imports are done by then: the heap is frozen
    (`freeze_heap`: the collector skips the libraries from now on)."""
    freeze_heap()
    cache = RunCache()
    if os.environ.get("PLAYGROUND_WARM_UP", "1") != "0":
        start_warm_up(cache)
        from app.views import translate  # a view's own cached runs (app/run.py)

        warm(translate.warm_jobs(), "translate warm-up")
    return cache


def progress_reporter(bars, lang: str) -> Callable[[Status], None]:
    """A status callback that redraws `bars` (one bar or several showing the same work)
    at most every PROGRESS_INTERVAL_S. Work reports (fraction done, Note); each waiting
    session renders it in its own language."""
    last = [0.0]
    bars = bars if isinstance(bars, list) else [bars]

    def on_status(status: Status) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_S:
            return
        last[0] = now
        if status.state == "queued":
            fraction, text = 0.0, t(lang, "progress.queued", ahead=status.ahead)
        elif status.progress is None:
            fraction, text = 0.0, t(lang, "progress.starting")
        else:
            fraction, note = status.progress
            fraction, text = min(max(fraction, 0.0), 1.0), render_note(lang, note)
        for bar in bars:
            bar.progress(fraction, text=text)

    return on_status


@dataclass
class PageContext:
    """Everything a view needs; views read it and call its helpers, nothing global."""

    lang: str  # "en" | "zh"
    options: InstructorOptions  # the instructor's link: locks, hidden text
    cfg: ExperimentConfig  # the settings that run (clamped, budgeted)
    data: Data  # the signal or the uploaded series
    cache: RunCache = field(default_factory=shared_cache)
    result: ExperimentResult | None = None  # the main run, once trained
    progress_slot: Any = None  # st.empty beside the title, out of the flow (the header's)

    def t(self, key: str, **params: Any) -> str:
        """The string `key` in the reader's language."""
        return t(self.lang, key, **params)

    def cached(
        self, key: Hashable, compute: Callable[[Callable[[Any], None]], Any], near: Any = None
    ) -> Any:
        """`compute(report)` through the shared cache, with a progress bar on a miss, in
        the place the header keeps for it (nothing below moves) and, when given, in
        `near` too (an `st.empty` where the learner acted: under the controls, under the
        button pressed), both saying the step the work is on."""
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        return self._with_progress(lambda tell: self.cache.get_or_compute(key, compute, tell), near)

    def _with_progress(self, wait: Callable[[Callable[[Status], None]], Any], near: Any) -> Any:
        """`wait(on_status)`, showing the status in a progress bar in the header's place
        (nothing below moves) and, when given, in `near` too; removed when done."""
        slots = [st.empty() if self.progress_slot is None else self.progress_slot]
        slots += [near] if near is not None else []
        bars = [slot.progress(0.0, text=self.t("progress.starting")) for slot in slots]
        try:
            return wait(progress_reporter(bars, self.lang))
        finally:
            for slot in slots:
                slot.empty()

    def run(self, cfg: ExperimentConfig, near: Any = None) -> ExperimentResult:
        """The run of `cfg` on the page's data, through the cache (progress also in
        `near`, see `cached`). It reports as soon as training starts (the first epoch's
        losses come only after it)."""
        return self.runs([cfg], near)[cfg]

    def runs(
        self, cfgs: list[ExperimentConfig], near: Any = None
    ) -> dict[ExperimentConfig, ExperimentResult]:
        """The runs of `cfgs` on the page's data (see `prepare`: all on the pool at once,
        one progress bar, also in `near`; the ones only this page waited for are dropped
        if it goes away)."""
        got = self.prepare(trains(cfgs, self.data), near)
        return {c: got[run_key(c, self.data)] for c in cfgs}

    def prepare(self, plan: Plan, near: Any = None) -> dict[Hashable, Any]:
        """Carry out a view's preparation (`playground/views/plan.py`) through the shared
        cache: its trainings first, all on the pool at once (one at a time for large
        settings) with one progress bar (also in `near`), then its other steps in order,
        "work" with progress, "derive" made once and shared. Returns each step's value
        by name, for the view to draw."""
        got: dict[Hashable, Any] = {}
        trainings = [s for s in plan if s.kind == "train"]
        if trainings:
            got |= self._trainings(trainings, near)
        for step in plan:
            if step.kind == "train":
                continue
            compute = lambda report, step=step: step.compute(got, report)  # noqa: E731
            if step.kind == "work":
                got[step.name] = self.cached(step.key, compute, near)
            else:
                got[step.name] = self.cache.get_or_compute(step.key, compute, pooled=False)
        return got

    def _trainings(self, steps: list[Step], near: Any) -> dict[Hashable, Any]:
        """The values of training steps: all on the pool at once unless one's epoch
        costs more than PARALLEL_EPOCH_WORK (then one after another, as a single one)."""
        items = [(s.key, lambda report, s=s: s.compute({}, report)) for s in steps]
        if len(steps) == 1 or max(s.cost for s in steps) > PARALLEL_EPOCH_WORK:
            got = [self.cached(key, compute, near) for key, compute in items]
        elif all(self.cache.get(key) is not None for key, _ in items):
            got = self.cache.get_many(items)
        else:
            got = self._with_progress(lambda tell: self.cache.get_many(items, tell), near)
        return {s.name: value for s, value in zip(steps, got, strict=True)}

    def shared(self, of: tuple, name: str, build: Callable[[], Any]) -> Any:
        """`build()` (something drawn from the value keyed `of`: specs, a player) made
        once per key, name and language and shared by every session; never queued
        behind a training."""
        return self.cache.get_or_compute(
            spec_key(of, name, self.lang), lambda report: build(), pooled=False
        )

    def spec(self, of: tuple, chart: str, build: Callable[[], Any]) -> dict:
        """The page spec of `build()` (an Altair chart), made once (see `shared`)."""
        return self.shared(of, chart, lambda: page_spec(build()))

    def draw(self, of: tuple, chart: str, build: Callable[[], Any], container=st) -> None:
        """Draw the chart `build()` makes, full width, from its cached spec."""
        container.vega_lite_chart(self.spec(of, chart, build), width="stretch")

    def explain(self, view: str) -> None:
        """The explanation of `view`, unless the instructor hid explanations."""
        if not self.options.hide_text:
            st.info(self.t(f"view.{view}.explain"), icon=":material/lightbulb:")

    def verdict(self, note: Note | None) -> None:
        """A verdict read from the numbers shown (a Note), in bold, unless the instructor
        hid the explanations (the room is to find it first)."""
        if note is not None and not self.options.hide_text:
            st.markdown(f"**{render_note(self.lang, note)}**")

    def metrics_table(self, shown: Any, container=st) -> None:
        """An errors table (`serve.specs.errors_table`, made once per key and language
        by a view's plan) with its columns in the reader's language."""
        columns = {
            "model": st.column_config.TextColumn(self.t("chart.title.model")),
            "split": st.column_config.TextColumn(self.t("chart.title.split")),
        } | {
            m: st.column_config.NumberColumn(self.t(f"chart.metric.{m}"), format="%.5f")
            for m in METRICS
        }
        container.dataframe(shown, hide_index=True, column_config=columns)
