"""The warm-up: what it trains (the page's own keys) and that users go first."""

from __future__ import annotations

import threading
import time

from playground import ExperimentConfig
from playground.i18n import LANGUAGES
from playground.serve.cache import RunCache
from playground.serve.keys import SIGNAL, run_key, spec_key, view_key
from playground.serve.warm import warm_jobs, warm_up
from playground.workshop.presets import PRESETS


def test_jobs_cover_the_default_page_every_preset_and_their_first_view():
    keys = [key for key, _ in warm_jobs(RunCache())]
    for cfg in [ExperimentConfig()] + [p.config for p in PRESETS.values()]:
        assert run_key(cfg, SIGNAL) in keys
        for lang in LANGUAGES:
            assert spec_key(run_key(cfg, SIGNAL), "run", lang) in keys
    gradients = PRESETS["vanishing_gradients"]
    assert gradients.view == "gradients"
    assert view_key("gradients", gradients.config, SIGNAL) in keys
    assert keys.index(run_key(ExperimentConfig(), SIGNAL)) == 0  # the default page first
    assert len(keys) == len(set(keys))


def test_warm_up_computes_missing_jobs_once_into_the_cache():
    cache, calls = RunCache(max_workers=1), []
    cache.get_or_compute("b", lambda report: "had")
    jobs = [("a", lambda: calls.append("a") or 1), ("b", lambda: calls.append("b") or 2)]
    assert warm_up(cache, iter(jobs)) == 1
    assert calls == ["a"] and cache.get("a") == 1 and cache.get("b") == "had"


def test_warm_up_waits_while_a_user_computes():
    cache, started, release = RunCache(max_workers=2, poll_seconds=0.01), [], threading.Event()
    user_running = threading.Event()

    def user(report):
        user_running.set()
        release.wait(5)
        return "user"

    first = threading.Thread(target=lambda: cache.get_or_compute("user", user))
    first.start()
    user_running.wait(5)
    warm = threading.Thread(
        target=warm_up, args=(cache, iter([("w", lambda: started.append(time.monotonic()))]))
    )
    warm.start()
    time.sleep(0.5)
    assert started == []  # the user's training is running: the warm-up waits
    released = time.monotonic()
    release.set()
    first.join(5)
    warm.join(5)
    assert len(started) == 1 and started[0] >= released


def test_warm_up_stops_when_asked():
    cache, stop = RunCache(max_workers=1), threading.Event()
    stop.set()
    assert warm_up(cache, iter([("x", lambda: 1)]), stop) == 0 and cache.get("x") is None
