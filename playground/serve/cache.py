"""The one bounded, thread-safe, cross-session cache: runs, view results and chart specs.

One Streamlit process runs every session in its own thread. `RunCache` makes a room
of sessions on the same key cost one computation (later callers wait for the one in
flight: single flight) and lets at most `max_workers` pooled computations (trainings,
views) run at once; the rest queue in arrival order and are told how many are ahead of
them. Cheap work (building a chart spec) is single-flight but not pooled, so it never
queues behind a training. Keys come from `serve.keys`.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any


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


MMAP_THRESHOLD = 128 * 2**10  # bytes; PLAYGROUND_MMAP_THRESHOLD overrides, 0 leaves glibc's


def tune_allocator(threshold: int | None = None) -> bool:
    """glibc's malloc: serve every allocation of `threshold` bytes or more (default
    MMAP_THRESHOLD) by its own mmap, returned to the system when freed. By default glibc
    raises that threshold (up to 32 MiB) once a large block is freed, so a training's
    tensors then come from the heap, which keeps the pages after the training: the
    process's peak RSS over large settings rises ~200 MB higher (bench/RESULTS.md,
    session 4). The cost is page faults: ~20 % more CPU for the largest LSTM runs, none
    for the tutorial's. Returns whether it was applied (False off glibc)."""
    if threshold is None:
        threshold = int(os.environ.get("PLAYGROUND_MMAP_THRESHOLD", MMAP_THRESHOLD))
    if threshold <= 0:
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(-3, threshold))  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        return False


def freeze_heap() -> None:
    """Collect, then move every object alive now (the imported libraries: torch, pandas,
    Altair, Streamlit, ~400k objects) out of the cyclic collector's reach (`gc.freeze`).
    A full collection then costs ~0 ms instead of ~0.3 s of CPU under the GIL, so the
    collector's own runs are cheap and free the cycles a rerun or a closed session
    leaves sooner (bench/RESULTS.md, session 4). Frozen objects are still freed by
    reference counting. Call once the server has imported what it uses."""
    gc.collect()
    gc.freeze()


def approx_bytes(value: Any, seen: set[int] | None = None, depth: int = 0) -> int:
    """About how many bytes `value` keeps alive: arrays, tensors, networks, frames, bytes
    and strings, through the dicts, sequences and dataclasses that hold them (each object
    counted once). An estimate for a byte budget, not an exact measure."""
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 8:
        return 0
    seen.add(id(value))
    import numpy as np  # local: the cache itself needs none of these
    import pandas as pd
    import pyarrow as pa
    import torch

    if isinstance(value, (bytes, bytearray, str)):
        return len(value) + 48
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size() + 112
    if isinstance(value, torch.nn.Module):
        return sum(approx_bytes(t, seen) for t in (*value.parameters(), *value.buffers()))
    if isinstance(value, (pa.Table, pa.RecordBatch)):
        return value.nbytes + 64
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return int(value.memory_usage(deep=True).sum()) if len(value) else 64
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    elif hasattr(value, "__dict__") or hasattr(value, "__dataclass_fields__"):
        items = list(getattr(value, "__dict__", {}).values())
    else:
        return 32
    return 64 + sum(approx_bytes(item, seen, depth + 1) for item in items)


class _Job:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
        self.status = Status("queued")


class RunCache:
    """LRU of at most `max_entries` values and `max_bytes` bytes (approx_bytes; the
    newest entry stays even if it alone is larger); at most `max_workers` pooled
    computations at once."""

    def __init__(
        self,
        max_entries: int = 1024,
        max_workers: int | None = None,
        poll_seconds: float = 0.2,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._sizes: dict[Hashable, int] = {}  # key -> approx_bytes of its value
        self.bytes = 0  # sum of _sizes
        self.max_workers = max_workers or os.cpu_count() or 1
        self.poll_seconds = poll_seconds
        self._results: OrderedDict[Hashable, Any] = OrderedDict()
        self._jobs: dict[Hashable, _Job] = {}
        self._cond = threading.Condition()
        self._queue: deque[_Job] = deque()  # jobs waiting for a worker slot, FIFO
        self._running = 0
        self.computed = 0  # how many computations ran (for tests and benchmarks)
        self.last_use = float("-inf")  # time.monotonic() of the last user call

    def __len__(self) -> int:
        with self._cond:
            return len(self._results)

    def keys(self) -> list[Hashable]:
        """The cached keys, least recently used first."""
        with self._cond:
            return list(self._results)

    def busy(self, quiet_seconds: float = 0.0) -> bool:
        """Whether pooled work (a user's training or view) is running or waiting, or
        (`quiet_seconds`) a user call came within that many seconds: pages rerunning."""
        with self._cond:
            recent = time.monotonic() - self.last_use < quiet_seconds
            return self._running > 0 or bool(self._queue) or recent

    def get(self, key: Hashable, touch: bool = True) -> Any:
        """The cached value for `key`, or None. `touch`: a user's call (see `busy`)."""
        if touch:
            self.last_use = time.monotonic()
        with self._cond:
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
        every caller waiting for that key sees it through `on_status`. `pooled` work
        waits for one of the `max_workers` slots; other work runs at once. `touch`: a
        user's call (see `busy`).
        """
        if touch:
            self.last_use = time.monotonic()
        with self._cond:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
            job = self._jobs.get(key)
            owner = job is None
            if owner:
                job = self._jobs[key] = _Job()
                if pooled:
                    self._queue.append(job)
        if not owner:
            return self._wait(job, on_status)

        # The owner's own status callback may raise (Streamlit stops a script that is
        # rerun or closed by raising from its next page call). That must not abort a
        # computation other sessions wait for: stop telling the owner, finish, cache,
        # then raise it to the owner alone.
        interrupted: list[BaseException] = []

        def tell_owner(status: Status) -> None:
            if on_status is None or interrupted:
                return
            try:
                on_status(status)
            except BaseException as exc:  # re-raised below, to the owner only
                interrupted.append(exc)

        try:
            if pooled:
                self._acquire_slot(job, tell_owner)
            try:

                def report(progress: Any) -> None:
                    job.status = Status("running", progress=progress)
                    tell_owner(job.status)

                job.status = Status("running")
                job.value = compute(report)
            finally:
                if pooled:
                    with self._cond:
                        self._running -= 1
                        self._cond.notify_all()
            size = approx_bytes(job.value)
            with self._cond:
                self._results[key] = job.value
                self._results.move_to_end(key)
                self._sizes[key] = size
                self.bytes += size
                while len(self._results) > 1 and (
                    len(self._results) > self.max_entries or self.bytes > self.max_bytes
                ):
                    old, _ = self._results.popitem(last=False)
                    self.bytes -= self._sizes.pop(old)
                self.computed += 1
        except BaseException as exc:
            job.error = exc
            raise
        finally:
            with self._cond:
                if job in self._queue:
                    self._queue.remove(job)
                self._jobs.pop(key, None)
                self._cond.notify_all()
            job.done.set()
        if interrupted:
            raise interrupted[0]
        return job.value

    def _acquire_slot(self, job: _Job, on_status: StatusCallback) -> None:
        while True:
            with self._cond:
                if self._running < self.max_workers and self._queue[0] is job:
                    self._queue.popleft()
                    self._running += 1
                    return
                ahead = self._queue.index(job)
                job.status = Status("queued", ahead=ahead)
            on_status(job.status)
            with self._cond:
                self._cond.wait(self.poll_seconds)

    def _wait(self, job: _Job, on_status: StatusCallback | None) -> Any:
        while not job.done.wait(self.poll_seconds):
            if on_status is not None:
                on_status(job.status)
        if job.error is not None:
            raise job.error
        return job.value
