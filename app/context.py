"""The page context handed to every view: who reads (language, instructor options),
what runs (config, data, the main result), and the helpers to run work through
Streamlit's caches with a progress bar (app/run.py), draw a chart, explain and show
errors."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from app import run as runs
from playground import ExperimentConfig
from playground.config import MAX_WORK, MODELS
from playground.charts import METRICS
from playground.i18n import Note, render_note, t
from playground.pipeline.experiment import (
    Data,
    ExperimentResult,
    Fitted,
    model_configs,
    reported_run,
)
from playground.workshop.instructor import InstructorOptions

# A view's runs train side by side (one per core) only for runs whose epoch costs at most
# this (work units, see config.MAX_WORK): 200 such epochs fit one run's budget. The
# tutorial's LSTM epoch is MAX_WORK / 1435; the largest settings (hidden 128, window 50,
# 1000 points) are far above, and two of those at once would double the peak memory.
PARALLEL_EPOCH_WORK = MAX_WORK / 200
PROGRESS_SLOT_PX = 56  # the progress bar's reserved place: its text line and bar
RUNS_KEPT = 96  # runs kept (~0.3 MB each at the tutorial's size; the warm-up fills ~50)


BY_CONFIG = {**runs.BY_REPR, ExperimentConfig: repr}
LARGE_RUNS_KEPT = 12  # runs above PARALLEL_EPOCH_WORK: ~3-5 MB each (replay snapshots, windows)


@st.cache_resource(max_entries=RUNS_KEPT, show_spinner=False, hash_funcs=BY_CONFIG)
def experiment(
    cfg: ExperimentConfig,
    data_key: tuple = (),
    _series: tuple | None = None,
    _report: runs.Report | None = None,
) -> ExperimentResult:
    """The run of `cfg` on the data `data_key` names (`_series`, None for the config's own
    signal): trained once for the whole server, on a core's slot. Runs of large settings
    are kept apart (`large_experiment`): see `experiment_for`."""
    with runs.slot(_report):
        return reported_run(cfg, _series, _report)


@st.cache_resource(max_entries=LARGE_RUNS_KEPT, show_spinner=False, hash_funcs=BY_CONFIG)
def large_experiment(
    cfg: ExperimentConfig,
    data_key: tuple = (),
    _series: tuple | None = None,
    _report: runs.Report | None = None,
) -> ExperimentResult:
    """`experiment` for large settings, fewer of them kept: a room's small runs (and the
    warm-up's) are not pushed out by a few large ones, and these bound the memory."""
    with runs.slot(_report):
        return reported_run(cfg, _series, _report)


def experiment_for(cfg: ExperimentConfig):
    """The cached function that holds the run of `cfg`: `experiment` or, for an epoch
    costlier than PARALLEL_EPOCH_WORK, `large_experiment`."""
    return experiment if cfg.epoch_work() <= PARALLEL_EPOCH_WORK else large_experiment


@dataclass
class PageContext:
    """Everything a view needs; views read it and call its helpers, nothing global."""

    lang: str  # "en" | "zh"
    options: InstructorOptions  # the instructor's link: locks, hidden text
    cfg: ExperimentConfig  # the settings that run (clamped, budgeted)
    data: Data  # the signal or the uploaded series
    result: ExperimentResult | None = None  # the main run, once trained
    progress_slot: Any = None  # st.empty beside the title, out of the flow (the header's)

    def t(self, key: str, **params: Any) -> str:
        """The string `key` in the reader's language."""
        return t(self.lang, key, **params)

    def run(self, cfg: ExperimentConfig, near: Any = None) -> ExperimentResult:
        """The run of `cfg` on the page's data, through the cache, with a progress bar in
        the header's place and, when given, in `near` too (see `cached`)."""
        return self.runs([cfg], near)[cfg]

    def runs(
        self, cfgs: list[ExperimentConfig], near: Any = None
    ) -> dict[ExperimentConfig, ExperimentResult]:
        """The runs of `cfgs` on the page's data, side by side (one per core; one after
        another for large settings), under one progress bar."""
        data, argsets = self.data, [(c, self.data.key) for c in cfgs]
        if max(c.epoch_work() for c in cfgs) <= PARALLEL_EPOCH_WORK:  # all `experiment`
            got = self._waiting(
                near,
                lambda place: runs.shared_all(
                    experiment, argsets, lang=self.lang, place=place, _series=data.series
                ),
            )
        else:
            got = [self.cached_run(args, near) for args in argsets]
        return dict(zip(cfgs, got, strict=True))

    def cached_run(self, args: tuple, near: Any) -> ExperimentResult:
        """One run (`experiment(*args)` on the page's data), with its progress bar."""
        return self._waiting(
            near,
            lambda place: runs.shared(
                experiment_for(args[0]),
                *args,
                lang=self.lang,
                place=place,
                _series=self.data.series,
            ),
        )

    def fits(self, models: tuple[str, ...] = MODELS, near: Any = None) -> dict[str, Fitted]:
        """The fitted network of each of `models` at the page's other settings (epochs
        lowered where the budget asks), from their runs."""
        cfgs = model_configs(self.cfg, models)
        got = self.runs(cfgs, near)
        return {c.model: got[c].fitted for c in cfgs}

    def key(self, view: str, *extra: Hashable) -> tuple:
        """The key of `view`'s value for the page's run and data, plus its own inputs."""
        return (view, self.cfg.key(), self.data.key, *extra)

    def cached(self, key: Hashable, compute: Callable[[runs.Report], Any], near: Any = None) -> Any:
        """`compute(report)`, heavy work keyed `key` (which names all it reads), made once
        for every session, with a progress bar on a miss (see `run`)."""
        return self._waiting(
            near,
            lambda place: runs.shared(
                runs.work, key, lang=self.lang, place=place, _compute=compute
            ),
        )

    def _waiting(self, near: Any, wait: Callable[[Any], Any]) -> Any:
        """`wait(place)`: the progress shows in the header's place (nothing below moves)
        and, when given, in `near` too."""
        slots = [st.empty() if self.progress_slot is None else self.progress_slot]
        slots += [near] if near is not None else []
        return wait(Places(slots))

    def shared(self, of: Hashable, name: str, build: Callable[[], Any]) -> Any:
        """`build()` (something drawn from the value keyed `of`: a table, a sentence, a
        player) made once per key, name and language and shared by every session."""
        return runs.drawn((name, of), self.lang, _build=build)

    def spec(self, of: Hashable, chart: str, build: Callable[[], Any]) -> dict:
        """The Vega-Lite spec of the Altair chart `build()` makes (see `shared`)."""
        return self.shared(of, chart, lambda: build().to_dict(validate=False))

    def draw(self, of: Hashable, chart: str, build: Callable[[], Any], container=st) -> None:
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
        """An errors table (`charts.errors_table`, made once per key and language) with
        its columns in the reader's language."""
        columns = {
            "model": st.column_config.TextColumn(self.t("chart.title.model")),
            "split": st.column_config.TextColumn(self.t("chart.title.split")),
        } | {
            m: st.column_config.NumberColumn(self.t(f"chart.metric.{m}"), format="%.5f")
            for m in METRICS
        }
        container.dataframe(shown, hide_index=True, column_config=columns)


class Places:
    """Several `st.empty` places showing the same progress bar."""

    def __init__(self, places: list[Any]) -> None:
        self.places = places

    def progress(self, fraction: float, text: str) -> None:
        for place in self.places:
            place.progress(fraction, text=text)

    def empty(self) -> None:
        for place in self.places:
            place.empty()
