"""Warm start: before the room arrives, train what its first clicks ask for.

A workshop opens the default page and the presets, most in the same minute. At server
start `warm_up` computes, into the one cache and under the page's own keys, the run of
the default config and of every preset, the runs and results of each preset's first
view (the Compare seeds, the Forecast and Gradients models), and the Train charts' specs
in every language. It runs in one background thread (one core at most) and yields to
users: before each job it waits while any user work is running or queued, and its jobs
take no worker slot, so a user's request never queues behind it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from playground.config import MODELS, ExperimentConfig
from playground.i18n import LANGUAGES
from playground.pipeline.experiment import fitted_models, run_experiment
from playground.serve.cache import RunCache
from playground.serve.keys import SIGNAL, run_key, spec_key, view_key
from playground.serve.specs import build_chart_specs
from playground.views.compare import compare_models, seeds_after
from playground.views.forecast import forecast_frames
from playground.views.gradients import gradient_frames
from playground.workshop.presets import PRESETS

Job = tuple[Hashable, Callable[[], Any]]  # (cache key, compute)
IDLE_WAIT_S = 0.2  # how often a yielding warm-up looks again


def warm_jobs(cache: RunCache) -> Iterator[Job]:
    """The jobs in the order a room needs them: the default page, then each preset with
    its first view, each key once. Later jobs read earlier results from `cache`."""
    seen: set[Hashable] = set()
    for key, compute in _all_jobs(cache):
        if key not in seen:
            seen.add(key)
            yield key, compute


def _all_jobs(cache: RunCache) -> Iterator[Job]:

    def run(cfg: ExperimentConfig):
        return cache.get_or_compute(run_key(cfg, SIGNAL), lambda r: run_experiment(cfg))

    starts = [(ExperimentConfig(), "train", MODELS)] + [
        (p.config, p.view, p.compare_models or MODELS) for p in PRESETS.values()
    ]
    for cfg, view, models in starts:
        yield run_key(cfg, SIGNAL), lambda c=cfg: run_experiment(c)
        for lang in LANGUAGES:
            key = spec_key(run_key(cfg, SIGNAL), "run", lang)
            yield key, lambda c=cfg, lang=lang: build_chart_specs(run(c), lang)
        if view == "compare":  # the runs Compare asks for, each into the cache
            key = ("warm", "compare", cfg.key())
            yield (
                key,
                lambda c=cfg, m=tuple(models): compare_models(c, m, seeds_after(c.seed), run=run),
            )
        elif view in ("forecast", "gradients"):
            frames = forecast_frames if view == "forecast" else gradient_frames
            key = view_key(view, cfg, SIGNAL)
            yield key, lambda c=cfg, f=frames: f(fitted_models(c, MODELS, run=run))


def warm_up(
    cache: RunCache, jobs: Iterator[Job] | None = None, stop: threading.Event | None = None
) -> int:
    """Compute every job missing from `cache`, one at a time, each only while no user
    work is running or queued. Returns how many were computed. Errors are skipped (a
    user asking later sees them)."""
    done = 0
    for key, compute in warm_jobs(cache) if jobs is None else jobs:
        while cache.busy():  # users first
            if stop is not None and stop.is_set():
                return done
            time.sleep(IDLE_WAIT_S)
        if stop is not None and stop.is_set():
            return done
        if cache.get(key) is not None:
            continue
        try:
            cache.get_or_compute(key, lambda report, c=compute: c(), pooled=False)
            done += 1
        except Exception:  # noqa: BLE001 - a warm-up never breaks the server
            continue
    return done


def start_warm_up(cache: RunCache) -> threading.Thread:
    """`warm_up(cache)` in a daemon thread, started now."""
    thread = threading.Thread(target=warm_up, args=(cache,), name="warm-up", daemon=True)
    thread.start()
    return thread
