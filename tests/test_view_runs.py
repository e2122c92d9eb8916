"""A view of many runs (Compare) starts them all at once: they train side by side, one
per core, each once, with the numbers of a run trained anywhere else (torch is set up
per thread)."""

from __future__ import annotations

import os
import threading
from dataclasses import replace

from app import context
from app.context import PageContext
from playground import ExperimentConfig, run_experiment
from playground.pipeline.experiment import SIGNAL
from playground.views.compare import compare_configs
from playground.workshop.instructor import InstructorOptions

CFG = ExperimentConfig(epochs=60, hidden_size=7)


class Place:
    def progress(self, fraction: float, text: str) -> None:
        pass

    def empty(self) -> None:
        pass


def test_a_views_runs_train_side_by_side_with_the_same_numbers():
    ctx = PageContext("en", InstructorOptions(), CFG, SIGNAL, progress_slot=Place())
    cfgs = compare_configs(CFG, ("rnn", "gru"), (0, 1))
    trained_in: dict[ExperimentConfig, int] = {}
    at_once, most = [0], [0]
    lock, real = threading.Lock(), context.reported_run

    def spy(cfg, *args, **kwargs):
        with lock:
            trained_in[cfg] = threading.get_ident()
            at_once[0] += 1
            most[0] = max(most[0], at_once[0])
        try:
            return real(cfg, *args, **kwargs)
        finally:
            with lock:
                at_once[0] -= 1

    context.reported_run = spy
    try:
        runs = ctx.runs(cfgs)
        assert list(runs) == cfgs and set(trained_in) == set(cfgs)  # each trained once
        assert len(set(trained_in.values())) == len(cfgs)  # each in a thread of its own
        assert most[0] == min(os.cpu_count() or 1, 2)  # side by side, one per core
        assert ctx.runs(cfgs) == runs and len(trained_in) == len(cfgs)  # all cached now
    finally:
        context.reported_run = real
    for cfg in cfgs:  # the numbers of a run trained here, bit for bit
        want = run_experiment(cfg, snapshots=False).metrics
        assert runs[cfg].metrics.reset_index(drop=True).equals(want.reset_index(drop=True))


def test_a_large_settings_run_is_kept_apart_from_the_small_ones():
    """A run whose epoch costs more than PARALLEL_EPOCH_WORK is held by `large_experiment`
    (fewer kept: they bound the memory), found there by the page, never trained twice."""
    from app import run

    big = ExperimentConfig(model="lstm", hidden_size=128, seq_length=50, n_points=1000)
    big = replace(big, epochs=2, seed=4242)
    assert big.epoch_work() > context.PARALLEL_EPOCH_WORK >= CFG.epoch_work()
    assert context.experiment_for(big) is context.large_experiment
    assert context.experiment_for(CFG) is context.experiment
    ctx = PageContext("en", InstructorOptions(), big, SIGNAL, progress_slot=Place())
    result = ctx.run(big)
    assert context.large_experiment(big, (), _report=run.if_cached) is result
    assert run.cached_value(context.experiment, (big, ()), {}) is run.MISSING
    assert ctx.run(big) is result
    assert context.LARGE_RUNS_KEPT < context.RUNS_KEPT
