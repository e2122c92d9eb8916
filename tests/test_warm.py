"""The warm-up: what it computes (the page's own keys: a first visit after it computes
nothing), in what order, and that users go first."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground import ExperimentConfig
from playground.i18n import LANGUAGES, t
from playground.serve.cache import RunCache
from playground.serve.keys import SIGNAL, run_key, spec_key, view_key
from playground.warm import FIRST_LANGUAGE, Link, links, warm_jobs, warm_up
from playground.views import plan
from playground.views.compare import compare_configs, compare_plan, seeds_after
from playground.workshop.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]  # not `from conftest`: tests/e2e has one too


def test_links_are_the_default_page_then_the_presets_as_listed():
    assert [link.name for link in links()] == ["default", *PRESETS]


def test_jobs_cover_the_default_page_every_preset_and_their_first_view():
    keys = [key for key, _ in warm_jobs(RunCache())]
    for cfg in [ExperimentConfig()] + [p.config for p in PRESETS.values()]:
        assert run_key(cfg, SIGNAL) in keys
        for lang in LANGUAGES:
            assert spec_key(run_key(cfg, SIGNAL), "run", lang) in keys
            assert spec_key(run_key(cfg, SIGNAL), "replay", lang) in keys
    gradients = PRESETS["vanishing_gradients"]
    assert gradients.view == "gradients"
    assert view_key("gradients", gradients.config, SIGNAL) in keys
    assert keys.index(run_key(ExperimentConfig(), SIGNAL)) == 0  # the default page first
    assert len(keys) == len(set(keys))


def test_every_link_is_ready_in_the_first_language_before_any_other_work():
    keys = [key for key, _ in warm_jobs(RunCache())]
    last_ready = keys.index(("warm", "ready", links()[-1].name))
    before = keys[:last_ready]
    assert all(key[0] != "spec" or key[-1] == FIRST_LANGUAGE for key in before)
    assert not any(
        key[:2] == ("view", "compare") and key[4] == ("rnn", "lstm", "gru") for key in before
    )  # only the Compare link's own comparison
    # A first visit draws its own view only: no replay (drawn when its expander opens),
    # no Train charts for a link that opens another tab.
    assert not any(key[0] == "spec" and key[2] == "replay" for key in before)
    opened_on_train = {run_key(link.cfg, SIGNAL) for link in links() if link.view == "train"}
    for link in links():
        run = run_key(link.cfg, SIGNAL)
        drawn = run in opened_on_train  # a link with the same settings opens on Train
        assert (spec_key(run, "run", FIRST_LANGUAGE) in before) == drawn, link.name
    ready = [keys.index(("warm", "ready", link.name)) for link in links()]
    assert ready == sorted(ready)  # in the order the page lists the links


def test_warm_up_computes_missing_jobs_once_into_the_cache():
    cache, calls = RunCache(max_workers=1), []
    cache.get_or_compute("b", lambda report: "had")
    jobs = [("a", lambda: calls.append("a") or 1), ("b", lambda: calls.append("b") or 2)]
    assert warm_up(cache, iter(jobs)) == 1
    assert calls == ["a"] and cache.get("a") == 1 and cache.get("b") == "had"


def test_warm_up_waits_while_a_user_computes():
    cache, started, release = RunCache(max_workers=2), [], threading.Event()
    user_running = threading.Event()

    def user(report):
        user_running.set()
        release.wait(5)
        return "user"

    first = threading.Thread(target=lambda: cache.get_or_compute("user", user))
    first.start()
    user_running.wait(5)
    looked, busy = threading.Event(), cache.busy
    answers: list[bool] = []

    def watched_busy(quiet_seconds: float = 0.0) -> bool:
        answers.append(busy(quiet_seconds))
        if answers.count(True) >= 3:  # the warm-up has looked three times and waited
            looked.set()
        return answers[-1]

    cache.busy = watched_busy
    warm = threading.Thread(
        target=warm_up, args=(cache, iter([("w", lambda: started.append(time.monotonic()))]))
    )
    warm.start()
    assert looked.wait(10)
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


@pytest.fixture(scope="module")
def warmed():
    """The page's shared cache, emptied, then warmed (first visits only: the Compare
    runs of every link would cost ~1 min of CPU)."""
    from app.context import shared_cache

    shared_cache.clear()
    cache = shared_cache()  # PLAYGROUND_WARM_UP=0: no thread; warmed here
    warm_up(cache, warm_jobs(cache, compare=False))
    yield cache
    shared_cache.clear()


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("link", links(), ids=lambda link: link.name)
def test_after_the_warm_up_a_first_visit_to_any_link_trains_nothing(warmed, link, lang):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    if link.name != "default":
        at.query_params["preset"] = link.name
    at.query_params["lang"] = lang
    before = set(warmed.keys())
    at.run()
    assert not at.exception
    if link.view == "memory":  # the sweep waits for its button (test_app_views)
        assert [b.key for b in at.button] == ["run_memory"]
    else:
        assert at.get("vega_lite_chart")
    computed = set(warmed.keys()) - before
    # The warm-up fills exactly what a first visit reads: chart specs and tables too.
    assert not computed, f"{link.name} ({lang}) computed {[k[:3] for k in computed]}"


@pytest.mark.slow
def test_after_the_warm_up_compare_on_the_default_page_trains_nothing(warmed):
    warm_up(
        warmed,
        plan.jobs(
            compare_plan(links()[0].cfg, "en", links()[0].models), lambda key: warmed.get(key)
        ),
    )
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    before = set(warmed.keys())
    at.session_state["view"] = t("en", "view.compare.title")
    at.run()
    assert not at.exception
    computed = set(warmed.keys()) - before
    assert not computed, [k[:3] for k in computed]  # its runs, charts, verdict and table


def test_every_training_is_a_job_of_its_own_and_views_only_read_them(monkeypatch):
    """No job waits inside another: a view's job comes after the jobs of all its runs and,
    run after them, trains nothing (so the warm-up yields to users between trainings)."""
    import playground.views.plan as plan_module

    trained: list[ExperimentConfig] = []
    real = plan_module.run_experiment

    def spy(cfg, *args, **kwargs):
        trained.append(cfg)
        return real(cfg, *args, **kwargs)

    monkeypatch.setattr(plan_module, "run_experiment", spy)
    link = Link("small", ExperimentConfig(epochs=30, hidden_size=4), "compare", ("rnn", "gru"))
    cache = RunCache(max_workers=1)
    jobs = list(plan.jobs(compare_plan(link.cfg, "en", link.models), lambda key: cache.get(key)))
    keys = [key for key, _ in jobs]
    cfgs = compare_configs(link.cfg, link.models, seeds_after(link.cfg.seed))
    view = view_key("compare", link.cfg, SIGNAL, link.models, seeds_after(link.cfg.seed))
    assert keys[: len(cfgs)] == [run_key(c, SIGNAL) for c in cfgs] and keys[len(cfgs)] == view
    for key, compute in jobs:
        if key == view:
            assert trained == cfgs  # every run trained, each by its own job
        cache.get_or_compute(key, lambda report, c=compute: c(), pooled=False)
    assert trained == cfgs  # the view and its charts trained nothing more
