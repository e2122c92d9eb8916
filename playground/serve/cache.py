"""The one bounded, thread-safe, cross-session cache: runs, view results and chart specs.

One Streamlit process runs every session in its own thread. `RunCache` makes a room
of sessions on the same key cost one computation (later callers wait for the one in
flight: single flight). Trainings and views run on a `concurrent.futures` pool of
`max_workers` threads; the rest queue in arrival order, and each caller is told how many
are ahead (or the running job's progress) as it changes, never by polling. A queued job
that no caller waits for any more is dropped; at a stop every queued job is. Cheap work
(building a chart spec) is single-flight but not pooled, so it never queues behind a
training. Keys come from `serve.keys`.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from playground.pipeline.threads import DaemonPool, Stopped, on_stop
from playground.serve.memory import approx_bytes


@dataclass(frozen=True)
class Status:
    """Where a request stands: queued behind `ahead` others, or running."""

    state: str  # "queued" | "running"
    ahead: int = 0  # requests ahead in the queue (queued only)
    progress: Any = None  # the computation's last progress report (running only)


StatusCallback = Callable[[Status], None]

# Default byte budget of one cache (approx_bytes); PLAYGROUND_CACHE_MB overrides. A
# process holds ~500 MB of libraries once it has trained, and a large setting's training
# ~300 MB more while it runs (full-batch activations). Over 60 large settings across
# every view the process peaked at 987 MiB with 128 MB of results and at 908 MiB with
# 96 MB (bench/RESULTS.md, session 5). A room on tutorial-sized settings fills ~15 MB.
MAX_BYTES = int(float(os.environ.get("PLAYGROUND_CACHE_MB", "96")) * 2**20)


class _Job:
    """One computation in flight: its future, its last status, and who waits for it."""

    def __init__(self, key: Hashable, pooled: bool) -> None:
        self.key = key
        self.pooled = pooled  # on the pool (else on its first caller's thread)
        self.future: Future = Future()
        self.status = Status("queued")
        self.changed = threading.Condition()  # notified on each status change and at the end
        self.waiters = 0  # callers waiting for it now; a queued job none waits for is dropped

    def tell(self, status: Status) -> None:
        with self.changed:
            self.status = status
            self.changed.notify_all()


class RunCache:
    """LRU of at most `max_entries` values and `max_bytes` bytes (approx_bytes; the
    newest entry stays even if it alone is larger). Pooled computations (trainings,
    views) run on a `concurrent.futures` pool of `max_workers` threads in arrival order;
    their callers wait on the job's future and are told its status as it changes. Other
    work (a chart spec) runs on its first caller's thread; later callers wait for it."""

    def __init__(
        self, max_entries: int = 1024, max_workers: int | None = None, max_bytes: int = MAX_BYTES
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_workers = max_workers or os.cpu_count() or 1
        self._pool = DaemonPool(self.max_workers, "playground-work")
        me = weakref.ref(self)
        on_stop(lambda: (cache := me()) is not None and cache.close())
        self._results: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}  # key -> approx_bytes of its value
        self.bytes = 0  # sum of _sizes
        self._jobs: dict[Hashable, _Job] = {}  # in flight
        self._queue: list[_Job] = []  # pooled jobs not started yet, in arrival order
        self._lock = threading.Lock()
        self.computed = 0  # how many computations ran (for tests and benchmarks)
        self.last_use = float("-inf")  # time.monotonic() of the last user call

    def close(self) -> None:
        """Drop every queued job (its callers get `Stopped`); running ones finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __len__(self) -> int:
        with self._lock:
            return len(self._results)

    def keys(self) -> list[Hashable]:
        """The cached keys, least recently used first."""
        with self._lock:
            return list(self._results)

    def busy(self, quiet_seconds: float = 0.0) -> bool:
        """Whether pooled work (a user's training or view) is running or waiting, or
        (`quiet_seconds`) a user call came within that many seconds: pages rerunning."""
        with self._lock:
            recent = time.monotonic() - self.last_use < quiet_seconds
            return recent or any(job.pooled for job in self._jobs.values())

    def get(self, key: Hashable, touch: bool = True) -> Any:
        """The cached value for `key`, or None. `touch`: a user's call (see `busy`)."""
        if touch:
            self.last_use = time.monotonic()
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
            return None

    def get_or_compute(
        self,
        key: Hashable,
        compute: Callable[[Callable[[Any], None]], Any],
        on_status: StatusCallback | None = None,
        pooled: bool = True,
        touch: bool = True,
    ) -> Any:
        """Return the value for `key`, computing it at most once across threads.

        `compute(report)` does the work and may call `report(progress)` as it goes;
        every caller waiting for that key sees it through `on_status` (which may raise,
        e.g. Streamlit stopping a rerun script: that caller stops waiting, the work goes
        on for the others). `pooled` work runs on the pool; other work on this thread.
        `touch`: a user's call (see `busy`).
        """
        if pooled:
            return self.get_many([(key, compute)], on_status, touch)[0]
        if touch:
            self.last_use = time.monotonic()
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
            job = self._jobs.get(key)
            owner = job is None
            if owner:
                job = self._jobs[key] = _Job(key, pooled=False)
            job.waiters += 1
        if not owner:
            try:
                return self._wait(job, on_status)
            finally:
                self._release([job])
        job.future.set_running_or_notify_cancel()
        try:
            job.tell(Status("running"))
            value = compute(lambda progress: job.tell(Status("running", progress=progress)))
            self._store(key, value)
            job.future.set_result(value)
            return value
        except BaseException as exc:
            job.future.set_exception(exc)
            raise
        finally:
            with self._lock:
                self._jobs.pop(key, None)
            job.tell(job.status)

    def get_many(
        self,
        items: Iterable[tuple[Hashable, Callable[[Callable[[Any], None]], Any]]],
        on_status: StatusCallback | None = None,
        touch: bool = True,
    ) -> list[Any]:
        """The values of every (key, compute) pair, in order: the missing ones are all
        put on the pool at once (a view of many runs uses every worker), then waited for
        one after the other, `on_status` told of the one waited for. A job queued for
        these callers alone is dropped when they stop waiting (an error, a closed page)."""
        if touch:
            self.last_use = time.monotonic()
        wanted: list[_Job | tuple[Any]] = []
        with self._lock:
            for key, compute in items:
                if key in self._results:
                    self._results.move_to_end(key)
                    wanted.append((self._results[key],))
                    continue
                job = self._jobs.get(key) or self._submit(key, compute)
                job.waiters += 1
                wanted.append(job)
        jobs = [job for job in wanted if isinstance(job, _Job)]
        try:
            return [self._wait(w, on_status) if isinstance(w, _Job) else w[0] for w in wanted]
        finally:
            self._release(jobs)

    def _submit(self, key: Hashable, compute: Callable) -> _Job:
        """Put `compute` on the pool under `key` (the lock is held)."""
        job = self._jobs[key] = _Job(key, pooled=True)
        job.status = Status("queued", ahead=len(self._queue))
        self._queue.append(job)
        try:
            job.future = self._pool.submit(self._run, job, compute)
        except RuntimeError:  # the pool is shut down: the process is stopping
            self._queue.remove(job)
            self._jobs.pop(key)
            raise Stopped from None
        job.future.add_done_callback(lambda _: job.tell(job.status))
        return job

    def _run(self, job: _Job, compute: Callable) -> Any:
        """On a pool worker: run `job`, store its value, and move the queue up."""
        try:
            with self._lock:
                self._queue.remove(job)
                queued = list(self._queue)
            for ahead, other in enumerate(queued):
                other.tell(Status("queued", ahead=ahead))
            job.tell(Status("running"))
            value = compute(lambda progress: job.tell(Status("running", progress=progress)))
            self._store(job.key, value)
            return value
        finally:
            with self._lock:
                self._jobs.pop(job.key, None)

    def _wait(self, job: _Job, on_status: StatusCallback | None) -> Any:
        """Wait for `job`'s value (or error), telling `on_status` each new status."""
        told = None
        while True:
            with job.changed:
                job.changed.wait_for(lambda t=told: job.future.done() or job.status is not t)
                told, done = job.status, job.future.done()
            if done:
                if job.future.cancelled():
                    raise Stopped  # dropped at a stop
                return job.future.result()
            if on_status is not None:
                on_status(told)

    def _release(self, jobs: list[_Job]) -> None:
        """These callers stop waiting: drop each queued job nobody waits for any more."""
        dropped = False
        with self._lock:
            for job in jobs:
                job.waiters -= 1
                if job.waiters == 0 and job.pooled and job.future.cancel():
                    self._queue.remove(job)
                    self._jobs.pop(job.key, None)
                    dropped = True
            queued = list(self._queue) if dropped else []
        for ahead, other in enumerate(queued):
            other.tell(Status("queued", ahead=ahead))

    def _store(self, key: Hashable, value: Any) -> None:
        """Cache `value`, then evict the least recently used past the bounds."""
        size = approx_bytes(value)
        with self._lock:
            self._results[key] = value
            self._results.move_to_end(key)
            self.bytes += size - self._sizes.get(key, 0)
            self._sizes[key] = size
            while len(self._results) > 1 and (
                len(self._results) > self.max_entries or self.bytes > self.max_bytes
            ):
                old, _ = self._results.popitem(last=False)
                self.bytes -= self._sizes.pop(old)
            self.computed += 1
