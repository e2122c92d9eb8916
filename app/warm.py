"""The warm-up: at server start (the deploy's health check runs the script once), compute
the runs a room's first clicks ask for, through the same cached functions the views call:
the default link's and every preset's run, the runs of the view each opens (the tour's
steps are presets too), then the Text and Translate views' first visits, then the sweep the
tour's memory step runs on its button, one training at a time. It yields to any session
waiting for a computation (`run.warm`)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable

import streamlit as st

from app import run
from app.context import experiment_for
from playground.config import MODELS, ExperimentConfig
from playground.pipeline.experiment import model_configs
from playground.views.compare import compare_configs, seeds_after
from playground.tour import STEPS
from playground.views.gradients import clipping_twin
from playground.views.memory import (
    DEFAULT_LAG,
    MemoryConfig,
    RecallRun,
    memory_runs,
    page_memory_config,
    recall_run,
)
from playground.workshop.presets import PRESETS


def links(presets: Iterable[str] = PRESETS) -> list[tuple[str, ExperimentConfig, str, tuple]]:
    """(name, settings, view, Compare's models) of the default link and each of `presets`."""
    return [("default", ExperimentConfig(), "train", MODELS)] + [
        (p.key, p.config, p.view, p.compare_models or MODELS) for p in map(PRESETS.get, presets)
    ]


def series_runs(presets: Iterable[str] = PRESETS) -> list[ExperimentConfig]:
    """Each link's run (the default's and each of `presets`'), then the runs of the view
    it opens, each once, in that order."""
    cfgs = [cfg for _, cfg, _, _ in links(presets)]
    for _, cfg, view, models in links(presets):
        if view == "compare":
            cfgs += compare_configs(
                cfg, tuple(m for m in MODELS if m in models), seeds_after(cfg.seed)
            )
        elif view in ("gradients", "forecast"):
            cfgs += model_configs(cfg, MODELS) + [clipping_twin(cfg)] * (view == "gradients")
    return list(dict.fromkeys(cfgs))


def compare_runs() -> list[ExperimentConfig]:
    """The runs of every link's Compare tab (the tab a room opens next), not yet listed."""
    cfgs: list[ExperimentConfig] = []
    for _, cfg, _, models in links():
        shown = tuple(m for m in MODELS if m in models)
        cfgs += compare_configs(cfg, shown, seeds_after(cfg.seed))
    first = set(series_runs())
    return [c for c in dict.fromkeys(cfgs) if c not in first]


@st.cache_resource(show_spinner=False)
def started() -> bool:
    """Start the warm-up once per process, unless PLAYGROUND_WARM_UP=0. The page's imports
    are done by then: the heap is frozen (`gc.freeze`: the collector skips the libraries,
    so its full collections stay cheap; bench/RESULTS.md, session 4)."""
    gc.collect()
    gc.freeze()
    if os.environ.get("PLAYGROUND_WARM_UP", "1") == "0":
        return False
    run.warm(jobs())
    return True


def jobs() -> list[tuple]:
    """The warm-up's `run.warm` jobs, in order."""
    from app.views import text, translate

    label = {cfg: name for name, cfg, _, _ in reversed(links())}  # the first link's name
    series = [(experiment_for(cfg), (cfg, ()), {}, label.get(cfg)) for cfg in series_runs()]
    compare = [(experiment_for(cfg), (cfg, ())) for cfg in compare_runs()]
    return series + text.warm_jobs() + translate.warm_jobs() + compare + tour_jobs()


def tour_sweeps() -> list[MemoryConfig]:
    """The sweeps the tour's memory steps run on their button: the view's, at its
    opening lag, with the step's scenario's keep-gate bias."""
    biases = [PRESETS[s.preset].config.keep_gate_bias for s in STEPS if s.needs == "memory"]
    return list(dict.fromkeys(page_memory_config(DEFAULT_LAG, b) for b in biases))


def tour_jobs() -> list[tuple]:
    """The tour's work beyond its links' first visits (those are presets' links): each
    memory sweep (a minute or more of training) as its trainings, one job each, so a
    session that asks for a run meanwhile waits for one training at most, then the
    sweep itself from them, into the memory view's cache."""
    jobs: list[tuple] = []
    for mc in tour_sweeps():
        jobs += [(recall, (m, lag, s, mc)) for lag in mc.lags for m in mc.models for s in mc.seeds]
        jobs.append((sweep, (mc,)))
    return jobs


@st.cache_resource(max_entries=64, show_spinner=False)
def recall(model: str, lag: int, seed: int, mc: MemoryConfig, _report=None) -> RecallRun:
    """One training of a memory sweep (`recall_run`), on a core's slot."""
    with run.slot(_report):
        return recall_run(model, lag, seed, mc)


def sweep(mc: MemoryConfig, _report=None) -> None:
    """The memory view's sweep of `mc` (`work` under its key: the button's press reads
    it) made from the trainings `recall` holds, which are then dropped."""
    from app.views.memory import sweep_key

    run.work(sweep_key(mc), _compute=lambda report: memory_runs(mc, run=recall))
    recall.clear()
