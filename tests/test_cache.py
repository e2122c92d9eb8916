"""Behaviour of RunCache: dedupe across threads, LRU bound, worker bound, queue status,
error propagation. No timings: threads are sequenced with events, never with sleeps."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from playground.serve.cache import RunCache, Status

WAIT_S = 10.0  # generous ceiling for "this must happen"; never a measured duration


def wait_until(condition: Callable[[], bool]) -> None:
    """Spin (with tiny waits) until `condition()` holds; fail after WAIT_S."""
    event = threading.Event()
    for _ in range(int(WAIT_S / 0.005)):
        if condition():
            return
        event.wait(0.005)
    raise AssertionError("condition never became true")


def start(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def join_all(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(WAIT_S)
        assert not thread.is_alive(), "a caller never returned"


def test_same_key_is_computed_once_for_many_threads() -> None:
    cache = RunCache(max_entries=4, max_workers=2)
    release = threading.Event()
    calls: list[int] = []
    results: list[object] = []
    waiting: set[int] = set()  # threads that have reported a status while waiting

    def compute(report):
        calls.append(1)
        release.wait(WAIT_S)
        return object()

    def caller():
        results.append(
            cache.get_or_compute("k", compute, lambda s: waiting.add(threading.get_ident()))
        )

    threads = [start(caller) for _ in range(12)]
    wait_until(lambda: len(calls) == 1 and len(waiting) >= 11)  # the others are waiting
    release.set()
    join_all(threads)
    assert calls == [1]
    assert cache.computed == 1
    assert len(results) == 12 and all(r is results[0] for r in results)
    assert cache.get("k") is results[0]


def test_lru_keeps_at_most_max_entries_and_evicts_least_recently_used() -> None:
    cache = RunCache(max_entries=3, max_workers=1)
    for key in "abc":
        cache.get_or_compute(key, lambda report, key=key: key.upper())
    assert cache.get("a") == "A"  # touch "a": "b" is now the least recently used
    cache.get_or_compute("d", lambda report: "D")
    assert len(cache) == 3
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == ["A", "C", "D"]
    for i in range(10):
        cache.get_or_compute(i, lambda report, i=i: i)
        assert len(cache) <= 3


def test_at_most_max_workers_compute_at_once() -> None:
    cache = RunCache(max_entries=16, max_workers=2)
    lock = threading.Lock()
    running: list[int] = [0]
    peak: list[int] = [0]
    queued: set[int] = set()
    releases = {i: threading.Event() for i in range(6)}

    def compute_for(i: int):
        def compute(report):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            releases[i].wait(WAIT_S)
            with lock:
                running[0] -= 1
            return i

        return compute

    def caller(i: int):
        def on_status(status: Status) -> None:
            if status.state == "queued":
                queued.add(i)

        assert cache.get_or_compute(i, compute_for(i), on_status) == i

    threads = [start(lambda i=i: caller(i)) for i in range(6)]
    # Two run, four wait: every slot is contended before anything finishes.
    wait_until(lambda: running[0] == 2 and len(queued) >= 4)
    for i in range(6):
        releases[i].set()
    join_all(threads)
    assert peak[0] == 2
    assert cache.computed == 6


def test_queued_callers_see_how_many_are_ahead() -> None:
    cache = RunCache(max_entries=16, max_workers=1)
    release = {k: threading.Event() for k in "ABCD"}
    seen: dict[str, list[Status]] = {k: [] for k in "ABCD"}

    def caller(key: str):
        def compute(report):
            report("started")
            release[key].wait(WAIT_S)
            return key

        assert cache.get_or_compute(key, compute, seen[key].append) == key

    threads = [start(lambda: caller("A"))]
    wait_until(lambda: any(s.state == "running" for s in seen["A"]))
    for key in "BCD":  # arrive one after another, so the queue order is B, C, D
        threads.append(start(lambda key=key: caller(key)))
        wait_until(lambda key=key: any(s.state == "queued" for s in seen[key]))
    assert seen["B"][0] == Status("queued", ahead=0)
    assert seen["C"][0] == Status("queued", ahead=1)
    assert seen["D"][0] == Status("queued", ahead=2)

    release["A"].set()  # B runs; C and D move up one place
    wait_until(lambda: any(s.state == "running" for s in seen["B"]))
    wait_until(lambda: Status("queued", ahead=0) in seen["C"])
    wait_until(lambda: Status("queued", ahead=1) in seen["D"])
    assert Status("running", progress="started") in seen["B"]
    for key in "BCD":
        release[key].set()
    join_all(threads)
    # Nobody ever moved backwards in the queue.
    for key in "BCD":
        aheads = [s.ahead for s in seen[key] if s.state == "queued"]
        assert aheads == sorted(aheads, reverse=True)


def test_waiters_see_the_owners_progress() -> None:
    cache = RunCache(max_entries=4, max_workers=1)
    reported = threading.Event()
    release = threading.Event()
    waiter_seen: list[Status] = []

    def compute(report):
        report((3, 0.5, 0.6))
        reported.set()
        release.wait(WAIT_S)
        return "done"

    owner = start(lambda: cache.get_or_compute("k", compute))
    reported.wait(WAIT_S)
    waiter = start(lambda: cache.get_or_compute("k", compute, waiter_seen.append))
    wait_until(lambda: len(waiter_seen) > 0)
    release.set()
    join_all([owner, waiter])
    assert Status("running", progress=(3, 0.5, 0.6)) in waiter_seen


def test_errors_reach_every_waiter_and_are_not_cached() -> None:
    cache = RunCache(max_entries=4, max_workers=2)
    release = threading.Event()
    calls: list[int] = []
    errors: list[BaseException] = []
    waiting: set[int] = set()  # threads that have reported a status while waiting

    def failing(report):
        calls.append(1)
        release.wait(WAIT_S)
        raise ValueError("boom")

    def caller():
        try:
            cache.get_or_compute("k", failing, lambda s: waiting.add(threading.get_ident()))
        except ValueError as exc:
            errors.append(exc)

    threads = [start(caller) for _ in range(5)]
    wait_until(lambda: len(calls) == 1 and len(waiting) >= 4)
    release.set()
    join_all(threads)
    assert len(errors) == 5 and all(str(e) == "boom" for e in errors)
    assert len(cache) == 0 and cache.get("k") is None and cache.computed == 0
    # The failure was not remembered: the next call computes again.
    assert cache.get_or_compute("k", lambda report: 42) == 42
    assert cache.computed == 1


def test_a_failed_job_frees_its_worker_slot() -> None:
    cache = RunCache(max_entries=4, max_workers=1)
    with pytest.raises(RuntimeError):
        cache.get_or_compute("bad", lambda report: (_ for _ in ()).throw(RuntimeError("x")))
    assert cache.get_or_compute("good", lambda report: 1) == 1


class Interrupted(BaseException):
    """Stands in for Streamlit's StopException/RerunException (BaseException too)."""


def test_a_caller_interrupted_by_its_own_status_callback_does_not_fail_the_others() -> None:
    cache = RunCache(max_entries=4, max_workers=1)
    progressed = threading.Event()
    release = threading.Event()
    first_left = threading.Event()
    got: list[object] = []
    first_errors: list[BaseException] = []

    def compute(report):
        report(1)
        progressed.set()
        release.wait(WAIT_S)
        report(2)
        first_left.wait(WAIT_S)  # the first caller has stopped waiting: the work goes on
        return "value"

    def first_status(status: Status) -> None:
        if status.progress == 2:
            first_left.set()
            raise Interrupted  # the first caller's page went away mid-run

    def first():
        try:
            got.append(cache.get_or_compute("k", compute, first_status))
        except Interrupted as exc:
            first_errors.append(exc)

    threads = [start(first)]
    progressed.wait(WAIT_S)
    waiter_seen: list[Status] = []
    threads.append(
        start(lambda: got.append(cache.get_or_compute("k", compute, waiter_seen.append)))
    )
    wait_until(lambda: len(waiter_seen) > 0)
    release.set()
    join_all(threads)
    assert got == ["value"]  # the other caller got the value
    assert len(first_errors) == 1  # the first hears its own interruption
    assert cache.get("k") == "value" and cache.computed == 1


def test_rejects_an_empty_cache() -> None:
    with pytest.raises(ValueError):
        RunCache(max_entries=0)


def test_evicts_by_bytes_oldest_first() -> None:
    cache = RunCache(max_entries=100, max_workers=1, max_bytes=3_500)
    for key in "abcd":
        cache.get_or_compute(key, lambda report: b"x" * 1000)  # ~1 KB each
    assert cache.get("a") is None and cache.get("b") is not None
    assert len(cache) == 3 and cache.bytes <= 3_500


def test_a_value_larger_than_the_budget_is_still_returned_and_kept_alone() -> None:
    cache = RunCache(max_entries=100, max_workers=1, max_bytes=100)
    cache.get_or_compute("small", lambda report: b"x")
    big = cache.get_or_compute("big", lambda report: b"x" * 10_000)
    assert len(big) == 10_000 and cache.get("big") is big and cache.get("small") is None


def test_approx_bytes_counts_arrays_networks_and_frames() -> None:
    import numpy as np
    import pandas as pd

    from playground.pipeline.models import init_model
    from playground.serve.memory import approx_bytes

    net = init_model("gru", 32, 2)
    params = sum(p.numel() * 4 for p in net.parameters())
    assert params <= approx_bytes(net) < params + 10_000
    arr = np.zeros(1000)
    assert approx_bytes({"a": arr, "b": arr}) < 8_000 + 1_000  # shared once
    frame = pd.DataFrame({"x": np.arange(1000.0)})
    assert approx_bytes(frame) >= 8_000


def test_unpooled_work_does_not_wait_for_a_slot() -> None:
    cache = RunCache(max_entries=16, max_workers=1)
    started, release = threading.Event(), threading.Event()

    def slow(report):
        started.set()
        release.wait(5)
        return "slow"

    thread = threading.Thread(target=lambda: cache.get_or_compute("train", slow))
    thread.start()
    started.wait(5)
    try:  # the only slot is taken; a spec build still runs at once
        assert cache.get_or_compute("spec", lambda report: "spec", pooled=False) == "spec"
    finally:
        release.set()
        thread.join()


def test_freeze_heap_moves_the_objects_alive_out_of_collections():
    import gc

    from playground.serve.memory import freeze_heap

    try:
        freeze_heap()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_busy_counts_recent_user_calls_but_not_untouched_ones():
    cache = RunCache(max_workers=1)
    cache.get("x", touch=False)
    cache.get_or_compute("y", lambda report: 1, touch=False)
    assert not cache.busy(60)
    cache.get("x")
    assert cache.busy(60) and not cache.busy(0)


def test_get_many_puts_every_missing_job_on_the_pool_at_once() -> None:
    cache = RunCache(max_entries=16, max_workers=2)
    cache.get_or_compute("hit", lambda report: "cached")
    started: list[str] = []
    release = threading.Event()
    got: list[list[object]] = []

    def compute_for(key: str):
        def compute(report):
            started.append(key)
            release.wait(WAIT_S)
            return key

        return compute

    items = [("hit", compute_for("never")), *((k, compute_for(k)) for k in "abcd")]
    seen: list[Status] = []
    thread = start(lambda: got.append(cache.get_many(items, seen.append)))
    wait_until(lambda: sorted(started) == ["a", "b"])  # both workers, before any ends
    assert cache.busy()
    release.set()
    join_all([thread])
    assert got == [["cached", "a", "b", "c", "d"]] and sorted(started) == list("abcd")
    assert Status("running") in seen


def test_a_queued_job_nobody_waits_for_any_more_is_dropped() -> None:
    cache = RunCache(max_entries=16, max_workers=1)
    release = threading.Event()
    ran: list[str] = []

    def blocking(report):
        ran.append("a")
        release.wait(WAIT_S)
        return "a"

    first = start(lambda: cache.get_or_compute("a", blocking))
    wait_until(lambda: ran == ["a"])
    left: list[BaseException] = []

    def leave_when_queued(status: Status) -> None:
        if status.state == "queued":
            raise Interrupted  # the page that asked went away (Streamlit's StopException)

    def second():
        try:
            cache.get_or_compute("b", lambda report: ran.append("b") or "b", leave_when_queued)
        except Interrupted as exc:
            left.append(exc)

    join_all([start(second)])
    assert len(left) == 1
    release.set()
    join_all([first])
    assert cache.get_or_compute("c", lambda report: "c") == "c"  # the worker is free again
    assert ran == ["a"] and cache.get("b") is None  # "b" never ran


def test_close_drops_queued_jobs_and_their_callers_hear_stopped() -> None:
    from playground.pipeline.threads import Stopped

    cache = RunCache(max_entries=16, max_workers=1)
    release = threading.Event()
    outcomes: dict[str, object] = {}

    def call(key: str):
        def compute(report):
            release.wait(WAIT_S)
            return key

        try:
            outcomes[key] = cache.get_or_compute(key, compute)
        except Stopped as exc:
            outcomes[key] = exc

    threads = [start(lambda: call("running"))]
    wait_until(lambda: cache.busy() and not cache._queue)
    threads.append(start(lambda: call("queued")))
    wait_until(lambda: len(cache._queue) == 1)
    cache.close()
    release.set()
    join_all(threads)
    assert outcomes["running"] == "running"  # a started job finishes and is kept
    assert isinstance(outcomes["queued"], Stopped) and cache.get("queued") is None
