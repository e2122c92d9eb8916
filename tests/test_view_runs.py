"""A view of many runs (Compare) puts them all on the cache's pool at once: they train
on the pool's workers side by side, each once, with the numbers of a run trained
anywhere else (torch is set up per thread)."""

from __future__ import annotations

import threading
from dataclasses import replace

from app.context import PageContext
from playground import ExperimentConfig, run_experiment
from playground.serve.cache import RunCache
from playground.serve.keys import SIGNAL, run_key
from playground.views.compare import compare_configs, compare_models
from playground.views.plan import Step, trains
from playground.workshop.instructor import InstructorOptions

CFG = ExperimentConfig(epochs=5, hidden_size=8)


def test_a_views_runs_train_on_the_pool_side_by_side_with_the_same_numbers():
    cache = RunCache(max_workers=2)
    ctx = PageContext("en", InstructorOptions(), CFG, SIGNAL, cache=cache)
    cfgs = compare_configs(CFG, ("rnn", "gru"), (0, 1))
    trained_in: set[str] = set()

    def spying(step: Step) -> Step:
        def compute(got, report):
            trained_in.add(threading.current_thread().name)
            return step.compute(got, report)

        return replace(step, compute=compute)

    got = ctx.prepare(tuple(spying(s) for s in trains(cfgs)))
    runs = {c: got[run_key(c, SIGNAL)] for c in cfgs}
    assert list(runs) == cfgs and cache.computed == len(cfgs)
    assert len(trained_in) == 2 and all(n.startswith("playground-work") for n in trained_in)
    assert all(cache.get(run_key(c, SIGNAL)) is runs[c] for c in cfgs)
    comparison = compare_models(CFG, ("rnn", "gru"), (0, 1), run=runs.__getitem__)
    for cfg in cfgs:  # the pool's numbers are those of a run trained here, bit for bit
        got = comparison.metrics[
            (comparison.metrics.model == cfg.model) & (comparison.metrics.seed == cfg.seed)
        ].drop(columns="seed")
        want = run_experiment(cfg, snapshots=False).metrics
        assert got.reset_index(drop=True).equals(want.reset_index(drop=True))
    assert ctx.runs(cfgs) == runs and cache.computed == len(cfgs)  # all hits now
