"""The warm-up: at server start (the deploy's health check runs the script once), compute
the runs a room's first clicks ask for, through the same cached functions the views call:
the default link's and every preset's run, the runs of the view each opens (the tour's
steps are presets too), then the Text and Translate views' first visits. It yields to
any session waiting for a computation (`run.warm`)."""

from __future__ import annotations

import gc
import os

import streamlit as st

from app import run
from app.context import experiment
from playground.config import MODELS, ExperimentConfig
from playground.pipeline.experiment import model_configs
from playground.views.compare import compare_configs, seeds_after
from playground.views.gradients import clipping_twin
from playground.workshop.presets import PRESETS


def links() -> list[tuple[str, ExperimentConfig, str, tuple[str, ...]]]:
    """(name, settings, view, Compare's models) of the default link and every preset."""
    return [("default", ExperimentConfig(), "train", MODELS)] + [
        (p.key, p.config, p.view, p.compare_models or MODELS) for p in PRESETS.values()
    ]


def series_runs() -> list[ExperimentConfig]:
    """Each link's run, then the runs of the view it opens, each once, in that order."""
    cfgs = [cfg for _, cfg, _, _ in links()]
    for _, cfg, view, models in links():
        if view == "compare":
            cfgs += compare_configs(
                cfg, tuple(m for m in MODELS if m in models), seeds_after(cfg.seed)
            )
        elif view in ("gradients", "forecast"):
            cfgs += model_configs(cfg, MODELS) + [clipping_twin(cfg)] * (view == "gradients")
    return list(dict.fromkeys(cfgs))


@st.cache_resource(show_spinner=False)
def started() -> bool:
    """Start the warm-up once per process, unless PLAYGROUND_WARM_UP=0. The page's imports
    are done by then: the heap is frozen (`gc.freeze`: the collector skips the libraries,
    so its full collections stay cheap; bench/RESULTS.md, session 4)."""
    gc.collect()
    gc.freeze()
    if os.environ.get("PLAYGROUND_WARM_UP", "1") == "0":
        return False
    from app.views import text, translate

    label = {cfg: name for name, cfg, _, _ in reversed(links())}  # the first link's name
    jobs = [(experiment, (cfg, ()), {}, label.get(cfg)) for cfg in series_runs()]
    run.warm(jobs + text.warm_jobs() + translate.warm_jobs())
    return True
