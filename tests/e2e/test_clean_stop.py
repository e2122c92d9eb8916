"""A clean stop: a real `streamlit run` server, woken by the script health check, stopped
with SIGTERM at several moments, exits 0 within 10 s and leaves no process behind.

Before, a server stopped while the warm-up (or a user's run) trained died of SIGABRT,
"terminate called without an active exception" (exit -6): torch work still running in
another thread as the interpreter finalised (`playground/pipeline/threads.py`)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

STOP_WITHIN_S = 10.0
# A user's run long enough to be training when the signal comes (tens of seconds).
LONG_LINK = "?model=lstm&hidden_size=128&seq_length=40&n_points=600&epochs=400"


def wake(base_url: str) -> threading.Thread:
    """GET the script health check (it runs the page once: the warm-up starts) in the
    background; the request ends when the page has run."""

    def get() -> None:
        try:
            urllib.request.urlopen(f"{base_url}/_stcore/script-health-check", timeout=120).read()
        except OSError:
            pass  # the server may stop before it answers

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    return thread


def wait_for_log(log: Path, text: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, (
            f"no {text!r} in the server log:\n" + log.read_text(errors="replace")[-3000:]
        )
        time.sleep(0.1)


def stop_and_check(proc: subprocess.Popen, log: Path) -> None:
    """SIGTERM the server alone; it must exit 0 in time, and its group must be empty."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=STOP_WITHIN_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"not stopped {STOP_WITHIN_S:.0f} s after SIGTERM", pytrace=False)
    text = log.read_text(errors="replace")
    took = time.monotonic() - started
    assert code == 0, f"exit {code} {took:.1f} s after SIGTERM:\n{text[-3000:]}"
    assert "terminate called" not in text and "Traceback" not in text, text[-3000:]
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # nothing of the server's group is left running


def test_sigterm_while_idle_exits_0(launch):
    proc, base_url, log = launch("stop-idle")
    wake(base_url).join(120)
    stop_and_check(proc, log)


def test_sigterm_during_the_warm_up_exits_0(launch):
    proc, base_url, log = launch("stop-warm-up", env={"PLAYGROUND_WARM_UP": "1"})
    wake(base_url)
    wait_for_log(log, "warm-up: default ready")  # the next links' runs are training now
    stop_and_check(proc, log)
    assert "warm-up done" not in log.read_text(errors="replace")  # stopped in the middle


def test_sigterm_during_a_users_training_exits_0(launch, browser):
    proc, base_url, log = launch("stop-training")
    wake(base_url).join(120)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base_url + "/" + LONG_LINK)
        page.wait_for_selector('[data-testid="stProgress"]', timeout=90_000)
        time.sleep(1.0)  # some epochs in
        stop_and_check(proc, log)
    finally:
        context.close()
