"""Warm start: before the room arrives, compute what its first clicks ask for.

At server start `warm_up` carries out, into the one cache, the very plans
(views/plan.py) the page carries out on a first visit to each link (the default page,
then the presets, as the page lists them), so their keys too: `tests/test_warm.py`
checks that a first visit to any link then computes nothing. Then the other languages,
the Train tabs and replays, the Compare tabs, the Text view's first visits.

It runs in one background thread and yields to users: before each job it waits while
user work runs or waits, or a page called the cache within QUIET_S. Each step of a plan
is a job of its own, run on the warm-up's thread (a user never queues behind it, no job
waits inside another), and the log says when each link is ready and when all is done.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from playground.config import MODELS, ExperimentConfig
from playground.i18n import LANGUAGES
from playground.pipeline.threads import STOPPING, Stopped, start_background
from playground.serve.cache import RunCache
from playground.serve.memory import freeze_heap
from playground.views import plan
from playground.views.compare import compare_plan
from playground.views.forecast import forecast_plan
from playground.views.gradients import gradients_tab
from playground.views.text import warm_text_jobs
from playground.views.train import replay_plan, train_plan
from playground.workshop.presets import PRESETS

Job = tuple[Hashable, Callable[[], Any]]  # (cache key, compute)
IDLE_WAIT_S = 0.2  # how often a yielding warm-up looks again
QUIET_S = 1.0  # the warm-up trains only after this long without a user's call
FIRST_LANGUAGE = "en"  # most first visits; the others are warmed after every link
LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    """A link a room opens: its name in the log, settings, first view, Compare models."""

    name: str  # "default" or the preset's key
    cfg: ExperimentConfig
    view: str
    models: tuple[str, ...]  # the Compare tab's models, in MODELS order


def links() -> list[Link]:
    """The default page, then every preset in the order the page lists them."""
    return [Link("default", ExperimentConfig(), "train", MODELS)] + [
        Link(p.key, p.config, p.view, tuple(m for m in MODELS if m in (p.compare_models or MODELS)))
        for p in PRESETS.values()
    ]


def first_visit(link: Link, lang: str) -> plan.Plan:
    """What the page carries out on a first visit to `link` in `lang` (streamlit_app.py:
    the run, then the link's view, the only tab drawn; the replay waits for a click)."""
    cfg, view = link.cfg, link.view
    drawn = {
        "train": lambda: train_plan(cfg, lang),
        "compare": lambda: compare_plan(cfg, lang, link.models),
        "gradients": lambda: gradients_tab(cfg, lang),
        "forecast": lambda: forecast_plan(cfg, lang),
    }
    return (plan.train(cfg),) + (drawn[view]() if view in drawn else ())


def warm_jobs(cache: RunCache, compare: bool = True) -> Iterator[Job]:
    """The jobs in the order a room needs them, each key once: every link's first visit
    (ready when done: a job keyed ("warm", "ready", name)), in the first language, then
    the others; every link's Train tab and replay; with `compare`, every Compare tab and
    the Text view's first visits. A later job reads earlier results from `cache`."""
    read = lambda key: cache.get(key, touch=False)  # noqa: E731
    langs = (FIRST_LANGUAGE, *(lang for lang in LANGUAGES if lang != FIRST_LANGUAGE))
    jobs: list[Job] = []
    for link in links():
        ready = (("warm", "ready", link.name), lambda: True)
        jobs += [*plan.jobs(first_visit(link, FIRST_LANGUAGE), read), ready]
    tabs = [first_visit(link, lang) for lang in langs[1:] for link in links()]
    tabs += [train_plan(k.cfg, lang) + replay_plan(k.cfg, lang) for lang in langs for k in links()]
    tabs += [compare_plan(k.cfg, lang, k.models) for k in links() for lang in langs if compare]
    jobs += [job for tab in tabs for job in plan.jobs(tab, read)]
    seen: set[Hashable] = set()
    for key, compute in [*jobs, *(warm_text_jobs(read, langs) if compare else ())]:
        if key not in seen:
            seen.add(key)
            yield key, compute


def users_first(cache: RunCache, stop: threading.Event | None = None) -> bool:
    """Wait while any user work runs or waits, or a page called the cache within QUIET_S
    (a room rerunning: the warm-up would take CPU from it); False if `stop` (or the
    process's STOPPING) was set."""
    stops = [e for e in (stop, STOPPING) if e is not None]
    while cache.busy(QUIET_S):
        if any(e.is_set() for e in stops):
            return False
        STOPPING.wait(IDLE_WAIT_S)
    return not any(e.is_set() for e in stops)


def warm_up(
    cache: RunCache,
    jobs: Iterator[Job] | None = None,
    stop: threading.Event | None = None,
    freeze: bool = False,
) -> int:
    """Compute every job missing from `cache`, one at a time, each only while no user
    work is running or queued. Returns how many were computed. Errors are skipped (a
    user asking later sees them). `freeze`: `freeze_heap()` after the first job."""
    done, started = 0, time.monotonic()
    for key, compute in warm_jobs(cache) if jobs is None else jobs:
        if not users_first(cache, stop):
            return done
        if isinstance(key, tuple) and key[:2] == ("warm", "ready"):
            LOG.info("warm-up: %s ready at %.1f s", key[2], time.monotonic() - started)
            continue
        if cache.get(key, touch=False) is not None:
            continue
        try:
            cache.get_or_compute(key, lambda report, c=compute: c(), pooled=False, touch=False)
            done += 1
            if done == 1 and freeze:  # training imported what it needs (torch's optimiser
                freeze_heap()  # loads torch._dynamo): keep those out of collections too
        except Stopped:
            LOG.info("warm-up stopped: the process is stopping")
            return done
        except Exception:  # noqa: BLE001 - a warm-up never breaks the server
            LOG.exception("warm-up: %s failed", key[:2] if isinstance(key, tuple) else key)
            continue
    LOG.info("warm-up done: %d computed in %.1f s", done, time.monotonic() - started)
    return done


def start_warm_up(cache: RunCache) -> threading.Thread:
    """`warm_up(cache)` in a background thread (joined when the process stops), started
    now; its log lines go to stderr."""
    if not LOG.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
    return start_background(lambda: warm_up(cache, freeze=True), "warm-up")
