"""A clean stop: a process that exits while torch work runs in other threads exits 0.

Before `threads.stop_work`, a script that started the warm-up (or a training in a
thread) and returned died of SIGABRT ("terminate called without an active exception")
as the interpreter finalised. Each case runs in a fresh interpreter, as a user's would.
"""

from __future__ import annotations

from pathlib import Path

import subprocess
import sys
import textwrap
import time

import pytest

ROOT = Path(__file__).resolve().parents[1]  # not `from conftest`: tests/e2e has one too


# A training long enough to be running whenever the script exits (~10 s alone).
LONG = "ExperimentConfig(model='lstm', hidden_size=128, seq_length=40, n_points=600, epochs=400)"

CASES = {
    "a cached run in its flight": f"""
        from app import run
        from app.context import experiment
        from playground import ExperimentConfig
        run.start(experiment, {LONG}, ())
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


@pytest.mark.slow
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


STOP_WORK = f"""
import time
from app import run
from app.context import experiment
from playground import ExperimentConfig, run_experiment
from playground.pipeline import threads

other = ExperimentConfig(model="gru", hidden_size=128, seq_length=40, n_points=600, epochs=400)
cfgs = [{LONG}, other]
flights = [run.start(experiment, cfg, ()) for cfg in cfgs]
while threads._running < 2:
    time.sleep(0.02)
time.sleep(0.3)
assert threads.stop_work(timeout=20)
for flight in flights:
    with flight.changed:
        flight.changed.wait_for(lambda: flight.done, 20)
assert all(isinstance(f.error, threads.Stopped) for f in flights), [f.error for f in flights]
assert run._flights == {{}}
try:
    experiment(cfgs[0], (), _report=None)  # not cached: asked again, it would train
    raise AssertionError("work started after the stop")
except threads.Stopped:
    pass
try:
    run_experiment(ExperimentConfig(epochs=30))
    raise AssertionError("work started after the stop")
except threads.Stopped:
    pass
print("stopped cleanly", flush=True)
"""


@pytest.mark.slow
def test_stop_work_stops_the_running_runs_and_caches_nothing():
    """The running trainings give up at their next epoch, neither is cached, and no new
    work starts (in a fresh process: a stop is final)."""
    done = subprocess.run(
        [sys.executable, "-c", STOP_WORK], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "stopped cleanly" in done.stdout, done.stderr[-2000:]
