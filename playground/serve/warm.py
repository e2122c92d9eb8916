"""Warm start: before the room arrives, compute what its first clicks ask for.

A workshop opens the default page and the presets, most in the same minute. At server
start `warm_up` computes, into the one cache and under the page's own keys, what the
first visit to each link draws, link by link in the order the page lists them (the
default page, then the presets): its run and its first view, the only tab the page
draws (the Train charts, the Compare seeds and charts, the Gradients models and chart,
the Forecast frames). Then the same in the other languages (charts carry words), then
every link's Train tab and replay, then each link's Compare runs and charts (the room's
likely next clicks). `tests/test_warm.py` checks that a first visit to every link,
after the warm-up, trains nothing.

It runs in one background thread (one core at most) and yields to users: before each job
it waits while any user work runs or waits, or a page called the cache within the last
QUIET_S (a room rerunning). Every training is a job of its own (a view's job only reads
the runs the jobs before it trained), and jobs run on the warm-up's thread, not the
pool, so a user's request never queues behind it and never waits inside a warm-up job.
It logs when each link is ready and when it is done ("warm-up done").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from playground.charts import compare_chart, compare_loss_chart, gradient_chart
from playground.charts.gradients import update_chart
from playground.charts.saliency import saliency_chart
from playground.charts.replay import replay_html
from playground.charts.seeds import seed_spread_chart
from playground.config import MODELS, ExperimentConfig
from playground.i18n import LANGUAGES
from playground.pipeline.experiment import fitted_models, model_configs, run_experiment
from playground.pipeline.threads import STOPPING, Stopped, start_background
from playground.serve.cache import RunCache
from playground.serve.memory import freeze_heap
from playground.serve.keys import SIGNAL, run_key, spec_key, view_key
from playground.pipeline.health import health_note
from playground.pipeline.noise import noise_text
from playground.pipeline.signals import make_signal
from playground.pipeline.windows import split_index
from playground.serve.specs import build_chart_specs, errors_table, page_spec
from playground.views.compare import (
    compare_configs,
    compare_models,
    of_seed,
    seeds_after,
    verdict,
)
from playground.views.forecast import forecast_frames
from playground.views.gradients import (
    clipping_twin,
    gradient_frames,
    reach_note,
    update_frame,
)
from playground.views.saliency import window_saliency
from playground.views.text import warm_text_jobs
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


def warm_jobs(cache: RunCache, compare: bool = True) -> Iterator[Job]:
    """The jobs in the order a room needs them, each key once (`compare`: then each
    link's Compare tab). Later jobs read earlier results from `cache`. A job keyed
    ("warm", "ready", name) marks a link ready."""
    seen: set[Hashable] = set()
    for key, compute in _all_jobs(cache, compare):
        if key not in seen:
            seen.add(key)
            yield key, compute


def _all_jobs(cache: RunCache, compare: bool) -> Iterator[Job]:
    others = [lang for lang in LANGUAGES if lang != FIRST_LANGUAGE]
    for link in links():
        yield from first_visit_jobs(cache, link, FIRST_LANGUAGE)
        yield ("warm", "ready", link.name), lambda: True
    for lang in others:
        for link in links():
            yield from first_visit_jobs(cache, link, lang)
    for lang in (FIRST_LANGUAGE, *others):  # the next clicks: the Train tab, the replay
        for link in links():
            yield from train_tab_jobs(cache, link, lang)
    for link in links() if compare else ():
        if link.view != "compare":
            for lang in (FIRST_LANGUAGE, *others):
                yield from compare_jobs(cache, link, lang)
    if compare:  # the whole warm-up: then the Text view's default and presets
        yield from warm_text_jobs()


def cached_run(cache: RunCache) -> Callable[[ExperimentConfig], Any]:
    """A job's `run(cfg)`: the run the warm-up put in the cache as a job of its own
    before this one (trained here, outside the cache, only if it was evicted since)."""

    def run(cfg: ExperimentConfig):
        hit = cache.get(run_key(cfg, SIGNAL), touch=False)
        return run_experiment(cfg) if hit is None else hit

    return run


def run_jobs(cfgs: list[ExperimentConfig]) -> Iterator[Job]:
    """Each run of `cfgs` as a job of its own: a view's job then only reads them, so no
    job waits inside another, and the warm-up yields to users between trainings."""
    for cfg in cfgs:
        yield run_key(cfg, SIGNAL), lambda cfg=cfg: run_experiment(cfg)


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


def _cached(cache: RunCache, key: Hashable, compute: Callable[[], Any]) -> Callable[[], Any]:
    """The value an earlier job put in the cache under `key`, which a later job reads
    (computed here, outside the cache, only if it was evicted since)."""

    def read() -> Any:
        hit = cache.get(key, touch=False)
        return compute() if hit is None else hit

    return read


def _spec(of: tuple, chart: str, lang: str, build: Callable[[], Any]) -> Job:
    """The job of `ctx.spec(of, chart, build)` in `lang` (app/context.py)."""
    return spec_key(of, chart, lang), lambda: page_spec(build())


def train_specs(cache: RunCache, link: Link, lang: str) -> Iterator[Job]:
    """The Train tab's charts and errors table of `link` in `lang` (app/views/train.py)."""
    run, cfg = cached_run(cache), link.cfg
    key = run_key(cfg, SIGNAL)
    yield spec_key(key, "run", lang), lambda: build_chart_specs(run(cfg), lang)
    yield spec_key(key, "errors", lang), lambda: errors_table(run(cfg).metrics, lang)
    yield spec_key(key, "noise", lang), lambda: noise_text(cfg, run(cfg).metrics, lang)
    yield spec_key(key, "health", lang), lambda: (health_note(run(cfg)),)


def train_tab_jobs(cache: RunCache, link: Link, lang: str) -> Iterator[Job]:
    """The Train tab of `link` in `lang`: its charts, and the replay its expander draws
    when opened."""
    run, cfg = cached_run(cache), link.cfg
    yield from train_specs(cache, link, lang)
    yield spec_key(run_key(cfg, SIGNAL), "replay", lang), lambda: replay_html(run(cfg), lang)


def first_visit_jobs(cache: RunCache, link: Link, lang: str) -> Iterator[Job]:
    """What the page computes on a first visit to `link` in `lang` (streamlit_app.py:
    the run, then the link's view, the only tab drawn; the replay waits for a click)."""
    run, cfg = cached_run(cache), link.cfg
    yield from run_jobs([cfg])
    if link.view == "train":
        yield from train_specs(cache, link, lang)
    elif link.view == "compare":
        yield from compare_jobs(cache, link, lang)
    elif link.view in ("gradients", "forecast"):  # every model's run, then the view
        yield from run_jobs(model_configs(cfg, MODELS))
    if link.view == "gradients":  # the run and its clipping twin: the update sizes
        yield from run_jobs([clipping_twin(cfg)])
        updates = view_key("updates", cfg, SIGNAL)

        def both() -> list:
            return sorted([run(cfg), run(clipping_twin(cfg))], key=lambda r: r.config.clip_grad)

        frame = _cached(cache, spec_key(updates, "frame", lang), lambda: update_frame(both()))
        yield spec_key(updates, "frame", lang), lambda: update_frame(both())
        yield _spec(updates, "updates", lang, lambda: update_chart(frame(), lang))
    if link.view == "gradients":  # app/views/gradients.py
        view = view_key("gradients", cfg, SIGNAL)
        frames = lambda: gradient_frames(fitted_models(cfg, MODELS, run=run))  # noqa: E731
        yield view, frames
        grads = _cached(cache, view, frames)
        yield _spec(view, "norms", lang, lambda: gradient_chart(grads().frame, lang))
        yield spec_key(view, "reach", lang), lambda: reach_note(grads().frame)
        # The saliency of the window the page opens on (the first test window).
        window = split_index(len(make_signal(cfg)[1]) - cfg.seq_length, cfg.train_fraction)
        where = view_key("saliency", cfg, SIGNAL, window)
        saliency = lambda: window_saliency(fitted_models(cfg, MODELS, run=run), window)  # noqa: E731
        yield where, saliency
        frame = _cached(cache, where, saliency)
        yield _spec(where, "saliency", lang, lambda: saliency_chart(frame(), lang))
    elif link.view == "forecast":
        view = view_key("forecast", cfg, SIGNAL)
        yield view, lambda: forecast_frames(fitted_models(cfg, MODELS, run=run))


def compare_jobs(cache: RunCache, link: Link, lang: str) -> Iterator[Job]:
    """The Compare tab's runs (each into the cache under its run key) and its charts
    (app/views/compare.py)."""
    cfg, models, seeds = link.cfg, link.models, seeds_after(link.cfg.seed)
    view = view_key("compare", cfg, SIGNAL, models, seeds)

    def compare():
        return compare_models(cfg, models, seeds, run=cached_run(cache))

    yield from run_jobs(compare_configs(cfg, models, seeds))
    yield view, compare  # the page's own key for the comparison (app/views/compare.py)
    comparison = _cached(cache, view, compare)
    yield _spec(view, "spread", lang, lambda: seed_spread_chart(comparison().metrics, lang))
    yield _spec(
        view,
        "predictions",
        lang,
        lambda: compare_chart(of_seed(comparison().predictions, cfg.seed), lang),
    )
    yield _spec(
        view, "loss", lang, lambda: compare_loss_chart(of_seed(comparison().losses, cfg.seed), lang)
    )
    yield spec_key(view, "verdict", lang), lambda: verdict(comparison().metrics)
    seed_metrics = lambda: of_seed(comparison().metrics, cfg.seed).drop(columns="seed")  # noqa: E731
    yield spec_key(view, "errors", lang), lambda: errors_table(seed_metrics(), lang)


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
        except Stopped:
            LOG.info("warm-up stopped: the process is stopping")
            return done
            if done == 1 and freeze:  # training imported what it needs (torch's optimiser
                freeze_heap()  # loads torch._dynamo): keep those out of collections too
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
