"""One intra-op thread for torch work, set in whichever thread does the work.

torch's thread count is per OS thread: `torch.set_num_threads(1)` in the main thread
leaves a worker thread (a Streamlit session, a pool) on OpenMP's default of every core,
although `torch.get_num_threads()` there still answers 1. Sums split over two threads
round differently, so the same config gave other weights in a worker thread than in the
main thread or the exported script. `single_threaded` sets the count on entry to each
piece of work (training, prediction, tracing a network): the same bits in any thread or
process, and one core per training on a shared server. The call costs ~0.2 µs.

A clean stop: a process that exits while torch work runs in another thread dies of
SIGABRT ("terminate called without an active exception") as the interpreter finalises.
So every piece of work is counted while it runs, and at exit `stop_work` sets STOPPING:
work not yet started raises `Stopped`, a training raises it at its next epoch
(`check_stop`), and the exit waits until no work runs and every background thread
(`start_background`) has returned. A stopped computation returns nothing, so nothing
half-made is cached. Two public hooks call it: a daemon thread that joins the main thread
(the interpreter marks the main thread finished first, then joins the pools' non-daemon
workers: a training in a pool must give up before that join can end), and `atexit` (after
those joins, before the interpreter finalises while a daemon thread may still run torch).
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
import weakref
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import torch

THREADS = int(os.environ.get("PLAYGROUND_TORCH_THREADS", "1"))  # intra-op threads per work

P = ParamSpec("P")
R = TypeVar("R")


def use_work_threads() -> None:
    """Put the calling thread on THREADS intra-op threads (idempotent, cheap)."""
    torch.set_num_threads(THREADS)


STOPPING = threading.Event()  # set once the process is stopping: work gives up
STOP_TIMEOUT_S = 8.0  # the longest an exit waits for work in flight to give up
_idle = threading.Condition()  # guards _running; notified when a piece of work ends
_running = 0  # pieces of work (single_threaded calls) running now, in any thread
_background: list[threading.Thread] = []  # threads of start_background, joined at exit
_workers: weakref.WeakSet[threading.Thread] = weakref.WeakSet()  # daemon threads that ran work


class Stopped(Exception):
    """The process is stopping: this work gave up before its end (nothing is returned)."""


def check_stop() -> None:
    """Raise `Stopped` once the process is stopping (a training calls it every epoch)."""
    if STOPPING.is_set():
        raise Stopped


def single_threaded(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, run with the calling thread set to THREADS intra-op threads, counted as work
    in flight (see `stop_work`); it raises `Stopped` instead of starting once the process
    is stopping."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        global _running
        thread = threading.current_thread()
        with _idle:
            _running += 1
            if thread.daemon:  # joined at a stop too: it may still be unwinding torch's frames
                _workers.add(thread)
        try:
            check_stop()
            use_work_threads()
            return fn(*args, **kwargs)
        finally:
            with _idle:
                _running -= 1
                _idle.notify_all()

    return wrapper


def start_background(target: Callable[[], object], name: str) -> threading.Thread:
    """Run `target()` in a daemon thread, started now and joined when the process stops
    (`target` should return soon once STOPPING is set)."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    with _idle:
        _background[:] = [t for t in _background if t.is_alive()] + [thread]
    thread.start()
    return thread


def stop_work(timeout: float = STOP_TIMEOUT_S) -> bool:
    """Tell all work to stop and wait (at most `timeout` s) until none runs and every
    background thread has returned. True if everything stopped in time. Runs at exit;
    a process may call it itself (tests, benchmarks). Irreversible."""
    STOPPING.set()
    deadline = time.monotonic() + timeout
    with _idle:
        if not _idle.wait_for(lambda: _running == 0, timeout):
            return False
        threads = [t for t in {*_background, *_workers} if t is not threading.current_thread()]
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in threads)


def _stop_when_main_ends() -> None:
    """Wait for the main thread to finish, then stop all work (see the module's doc)."""
    threading.main_thread().join()
    stop_work()


threading.Thread(target=_stop_when_main_ends, name="stop-on-exit", daemon=True).start()
atexit.register(stop_work)
