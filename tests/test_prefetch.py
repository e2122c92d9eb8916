"""A view of many runs (Compare) trains the runs it will ask for on a second thread,
through the shared cache, with the numbers of a run trained anywhere else."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from app.context import PageContext
from playground import ExperimentConfig, run_experiment
from playground.serve.cache import RunCache
from playground.serve.keys import SIGNAL, run_key
from playground.views.compare import compare_configs, compare_models
from playground.workshop.instructor import InstructorOptions

CFG = ExperimentConfig(epochs=5, hidden_size=8)


def page(cache: RunCache) -> PageContext:
    return PageContext("en", InstructorOptions(), CFG, SIGNAL, cache=cache)


def wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_the_runs_train_on_a_second_thread_from_the_last_backwards():
    cache = RunCache(max_workers=2)
    ctx = page(cache)
    cfgs = compare_configs(CFG, ("rnn", "gru"), (0, 1))
    ctx.prefetch(cfgs)
    # Nobody asked for the last run, yet it arrives: the thread trains it.
    assert wait_for(lambda: cache.get(run_key(cfgs[-1], SIGNAL)) is not None)
    assert cache.get(run_key(cfgs[0], SIGNAL)) is None  # the page's own first run
    comparison = compare_models(CFG, ("rnn", "gru"), (0, 1), run=ctx.run)
    # Every run trained once, whichever thread trained it.
    assert cache.computed == len(cfgs)
    # The thread's numbers are those of a run trained here, bit for bit.
    for cfg in cfgs:
        got = comparison.metrics[
            (comparison.metrics.model == cfg.model) & (comparison.metrics.seed == cfg.seed)
        ].drop(columns="seed")
        want = run_experiment(cfg, snapshots=False).metrics
        assert got.reset_index(drop=True).equals(want.reset_index(drop=True))


def test_nothing_is_started_while_the_workers_are_busy_or_for_a_single_run():
    cache = RunCache(max_workers=1)
    ctx = page(cache)
    release = threading.Event()
    blocker = threading.Thread(
        target=lambda: cache.get_or_compute("busy", lambda report: release.wait(60))
    )
    blocker.start()
    try:
        assert wait_for(cache.busy, 10)
        before = threading.active_count()
        ctx.prefetch(compare_configs(CFG, ("rnn", "lstm"), (0,)))
        assert threading.active_count() == before  # a busy room keeps the page's order
    finally:
        release.set()
        blocker.join()
    before = threading.active_count()
    ctx.prefetch([replace(CFG, seed=3)])  # one run: the page trains it itself
    assert threading.active_count() == before
