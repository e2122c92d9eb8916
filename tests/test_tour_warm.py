"""The warm-up covers the tour (issue 39): after it, a first visit to any step's link
trains nothing and computes nothing heavy, and the memory step's sweep (a minute or
more of training, on its button) is in the memory view's cache under the key the step
asks for, made one training at a time with the same bits as the view's own."""

from __future__ import annotations

import inspect
from contextlib import contextmanager

import pytest
from streamlit.testing.v1 import AppTest

from app import context, run, warm
from app.views.memory import sweep_key
from pagekit import APP
from playground.i18n import LANGUAGES, t
from playground.tour import STEPS
from playground.views.memory import MemoryConfig, memory_runs

TINY = MemoryConfig(lags=(2, 3), models=("rnn", "gru"), seeds=(0, 1), epochs=5, n_train=32)
# The work a first visit may do after the warm-up: one backward pass over the step's
# fitted networks for the window shown (0.01-0.09 s each, measured after the warm-up on
# this project's 2-core machine; Inside and Gradients key them per window).
BACKWARD_PASSES = ("inside", "gradients", "saliency")


def test_the_warm_up_ends_with_the_sweep_the_tours_memory_step_asks_for():
    (step,) = [n for n, s in enumerate(STEPS, start=1) if s.needs == "memory"]
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["tour"] = str(step)
    at.query_params["epochs"] = "20"
    at.query_params["lock"] = "epochs"  # a quick run: the sweep does not read it
    at.run()
    assert not at.exception
    (mc,) = warm.tour_sweeps()
    captions = [c.value for c in at.caption]
    # the view's sweep at the step's opening: its lag and its scenario's keep-gate bias
    assert at.slider(key="lag").value == max(mc.lags)
    assert t("en", "memory.bias", bias=mc.keep_gate_bias) in captions
    runs = len(mc.lags) * len(mc.models) * len(mc.seeds)
    assert t("en", "memory.cost", runs=runs) in captions
    jobs = warm.jobs()
    trainings = [args for fn, args, *_ in jobs if fn is warm.recall]
    assert len(trainings) == runs and {a[3] for a in trainings} == {mc}
    assert jobs[-1] == (warm.sweep, (mc,))  # last: after every link's runs


def test_the_sweep_made_from_its_trainings_is_the_views_own_in_its_cache():
    for model in TINY.models:
        for lag in TINY.lags:
            for seed in TINY.seeds:
                warm.recall(model, lag, seed, TINY)
    warm.sweep(TINY)

    def not_again(report):
        raise AssertionError("the sweep was not in the cache")

    cached = run.work(sweep_key(TINY), _compute=not_again)
    own = memory_runs(TINY)  # as the view computes it on the button
    assert cached.sweep.equals(own.sweep) and cached.saliency.equals(own.saliency)


@pytest.fixture(scope="module")
def computed():
    """The warm-up's jobs for the tour's links, computed as its thread would: the series
    runs of the default link and the tour's scenarios (the other presets' are left out
    for time), the Text and Translate first visits, not the memory sweep (a minute or
    more; its key is the test above's). Then a spy that lists every computation made
    under a core's slot from now on: (the cached function, its `work` key)."""
    every = [(context.experiment_for(c), (c, ())) for c in warm.series_runs()]
    jobs = warm.jobs()
    assert [(fn, args) for fn, args, *_ in jobs[: len(every)]] == every  # its series jobs
    scenarios = {s.preset for s in STEPS if s.preset}
    tour = [(context.experiment_for(c), (c, ())) for c in warm.series_runs(scenarios)]
    assert set(tour) <= set(every)
    series = (context.experiment, context.large_experiment)
    rest = [j for j in jobs if j[0] not in (*series, warm.recall, warm.sweep)]
    for fn, args, *hidden in tour + rest:
        fn(*args, _report=None, **(hidden[0] if hidden else {}))
    real, made = run.slot, []

    @contextmanager
    def spy(report=None):
        caller = inspect.stack()[2].frame  # the cached function's body
        with real(report):
            yield
        made.append((caller.f_code.co_name, caller.f_locals.get("key")))

    run.slot = spy
    yield made
    run.slot = real


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
def test_after_the_warm_up_a_first_visit_to_any_tour_step_trains_nothing(computed, lang):
    for number, step in enumerate(STEPS, start=1):
        computed.clear()
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["tour"] = str(number)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception, (number, at.exception)
        heavy = [
            (name, key)
            for name, key in computed
            if not (name == "work" and key[0] in BACKWARD_PASSES)
        ]
        assert heavy == [], f"step {number} ({step.key}, {lang}) computed {heavy}"
