"""What the lesson tests share: the seeds, the 80 % rule, and the trainings two
modules need. The seeds are read here and nowhere else: `PLAYGROUND_LESSON_SEEDS`
(comma-separated integers; default 0-9); a claim holds when it is true in at least 80 % of
them, whatever seeds are given. The shared trainings are trained once per test session:
cached in the process and, under pytest-xdist, across its workers (the first worker to
ask trains while holding a file lock; the others wait for it and load the result).
Processes give the same numbers (tests/test_threads.py), so where a result was trained
does not matter."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import math
import os
import pickle
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from playground import ExperimentConfig, run_experiment
from playground.views.memory import MemoryConfig, MemoryRuns, RecallRun, memory_runs, recall_run
from playground.workshop.presets import PRESETS

SEEDS_VARIABLE = "PLAYGROUND_LESSON_SEEDS"
DEFAULT_SEEDS = tuple(range(10))
SHARE = 0.8  # a claim must hold in at least this share of the seeds


def lesson_seeds(text: str | None) -> tuple[int, ...]:
    """The seeds `text` names ("3, 5,8"), in order, without repeats; DEFAULT_SEEDS when
    `text` is unset or blank. Anything else is an error, not a silent default."""
    if text is None or not text.strip():
        return DEFAULT_SEEDS
    seeds = tuple(dict.fromkeys(int(part) for part in text.split(",") if part.strip()))
    if not seeds or any(s < 0 for s in seeds):
        raise ValueError(f"{SEEDS_VARIABLE} must list seeds >= 0, got {text!r}")
    return seeds


SEEDS = lesson_seeds(os.environ.get(SEEDS_VARIABLE))


def needed(n: int) -> int:
    """How many of n seeds a claim must hold in: at least 80 % (4 of 5, 8 of 10)."""
    return math.ceil(SHARE * n - 1e-9)


NEEDED = needed(len(SEEDS))


def once_per_session(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn(*args)` computed once per test session (see the module doc). Its
    `.unless_busy(*args)` computes and stores the value only if no other worker is
    computing it now (True when the value is stored), so workers can share a list."""

    def files(args: tuple) -> tuple[Path, Path] | None:
        run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        if run_id is None:  # one process: its own cache is the session's
            return None
        folder = Path(tempfile.gettempdir()) / f"rnn-playground-tests-{run_id}"
        folder.mkdir(exist_ok=True)
        key = hashlib.sha256(repr((fn.__name__, args)).encode()).hexdigest()[:20]
        return folder / f"{key}.pickle", folder / f"{key}.lock"

    def stored(path: Path, args: tuple) -> Any:
        if path.exists():
            return pickle.loads(path.read_bytes())
        value = fn(*args)
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(value))
        partial.replace(path)
        return value

    @cache
    @functools.wraps(fn)
    def shared(*args: Any) -> Any:
        where = files(args)
        if where is None:
            return fn(*args)
        with open(where[1], "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            return stored(where[0], args)

    def unless_busy(*args: Any) -> bool:
        where = files(args)
        if where is None:
            shared(*args)
            return True
        with open(where[1], "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another worker computes it now
                return False
            stored(where[0], args)
            return True

    shared.unless_busy = unless_busy
    return shared


def each(shared: Callable[[Any], Any], items: Sequence[Any]) -> dict[Any, Any]:
    """{item: shared(item)} for a `once_per_session` function: this worker first computes
    the items no other worker is computing, then reads (or waits for) the rest; so two
    workers that ask for the same list at once split it instead of one waiting."""
    for item in items:
        shared.unless_busy(item)
    return {item: shared(item) for item in items}


def holds(flags) -> bool:
    """A claim holds when it is true in at least NEEDED of the seeds (one flag a seed)."""
    flags = list(flags)
    assert len(flags) == len(SEEDS)
    return sum(bool(f) for f in flags) >= NEEDED


def ends_on_a_spike(train_losses) -> bool:
    """Whether a training loss curve (by epoch) ends on a spike: its last value above 1.5
    times the median of its last tenth (at least 10 epochs)."""
    tail = train_losses[-max(10, len(train_losses) // 10) :]
    return bool(train_losses[-1] > 1.5 * statistics.median(tail))


@once_per_session
def run(cfg: ExperimentConfig):
    """The page's run of `cfg`, trained once per process."""
    return run_experiment(cfg)


@once_per_session
def recall(model: str, lag: int, seed: int, mc: MemoryConfig) -> RecallRun:
    """One training of the Long memory task, once per session (`mc` reduced to its
    training settings by `shared_recall`)."""
    return recall_run(model, lag, seed, mc)


def shared_recall(model: str, lag: int, seed: int, mc: MemoryConfig) -> RecallRun:
    """`recall_run` through the session's cache: a run depends on `mc`'s training
    settings, not on its lists of lags, models and seeds."""
    return recall(model, lag, seed, replace(mc, lags=(lag,), models=(model,), seeds=(seed,)))


def memory(mc: MemoryConfig) -> MemoryRuns:
    """`memory_runs(mc)`, each training shared across the session's tests."""
    return memory_runs(mc, run=shared_recall)


@once_per_session
def recall_at_30(seeds: tuple[int, ...] = SEEDS) -> MemoryRuns:
    """The Long memory task at the page's default lag, 30, with the keep-gate bias of the
    long_memory preset (4), over `seeds` (the lesson seeds): errors and saliency."""
    bias = PRESETS["long_memory"].config.keep_gate_bias
    assert bias == 4.0
    return memory(MemoryConfig(lags=(30,), seeds=tuple(seeds), keep_gate_bias=bias))
