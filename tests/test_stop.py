"""A clean stop: a process that exits while torch work runs in other threads exits 0.

Before `threads.stop_work`, a script that started the warm-up (or a training in a
thread) and returned died of SIGABRT ("terminate called without an active exception")
as the interpreter finalised. Each case runs in a fresh interpreter, as a user's would.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import ROOT
from playground import ExperimentConfig, run_experiment
from playground.pipeline import threads

# A training long enough to be running whenever the script exits (~10 s alone).
LONG = "ExperimentConfig(model='lstm', hidden_size=128, seq_length=40, n_points=600, epochs=400)"

CASES = {
    "warm-up": """
        from playground.serve.cache import RunCache
        from playground.serve.warm import start_warm_up
        start_warm_up(RunCache())
    """,
    "training in a plain thread": f"""
        import threading
        from playground import ExperimentConfig, run_experiment
        threading.Thread(target=run_experiment, args=({LONG},), daemon=True).start()
    """,
    "training in a non-daemon thread": f"""
        import threading
        from playground import ExperimentConfig, run_experiment
        threading.Thread(target=run_experiment, args=({LONG},)).start()
    """,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_script_that_exits_while_work_runs_exits_0(case):
    script = textwrap.dedent(CASES[case]) + textwrap.dedent("""
        import sys, time
        from playground.pipeline import threads
        deadline = time.monotonic() + 60
        while threads._running == 0 and time.monotonic() < deadline:
            time.sleep(0.02)  # until the work has started
        assert threads._running > 0, "no work started"
        time.sleep(0.5)  # inside it
        print("exiting", flush=True)
    """)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "exiting" in done.stdout
    assert "terminate called" not in done.stderr
    assert time.monotonic() - started < 60


def test_stop_work_stops_a_training_and_caches_nothing():
    """In this process: the flag makes a running training raise Stopped at its next
    epoch; the waiting exit returns once it has (the flag is cleared after)."""
    from playground.serve.cache import RunCache

    cache, errors = RunCache(), []
    started = threading.Event()

    def train():
        try:
            cache.get_or_compute(
                "long", lambda report: (started.set(), run_experiment(eval(LONG)))[1]
            )
        except threads.Stopped as exc:
            errors.append(exc)

    worker = threading.Thread(target=train)
    worker.start()
    assert started.wait(30)
    time.sleep(0.3)
    try:
        assert threads.stop_work(timeout=20)
        worker.join(20)
        assert not worker.is_alive()
        assert len(errors) == 1 and cache.get("long") is None
        with pytest.raises(threads.Stopped):
            run_experiment(ExperimentConfig(epochs=30))  # no new work once stopping
    finally:
        threads.STOPPING.clear()
    assert run_experiment(ExperimentConfig(epochs=30)).metrics is not None
