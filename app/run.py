"""Runs cached by Streamlit across sessions, with their progress shown to every session
that waits for one.

A run is a function cached with `st.cache_resource` (one value per key for the whole
server, bounded entries) whose parameter `_report` takes the run's progress, a (fraction
done, Note) pair; Streamlit leaves a parameter whose name starts with "_" out of the key,
so values the key already names (an uploaded series, a fitted network) are passed the
same way. `shared(fn, *args)` calls it: the first session to ask for a key computes it
and publishes its progress; every session that asks for the same key meanwhile shows
that progress until it is done, then reads the cached value. A computation holds one of
a core's `slot()`s while it works: at most one per core at a time, the rest wait, saying
so; a cached value waits for nothing.

`work` and `drawn` are the two generic cached functions the views key themselves: heavy
work (backward passes, forecasts) and what is drawn from a value (a chart's spec, a
table, a sentence), made once per key and language.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from playground.i18n import Note, render_note, t
from playground.pipeline.threads import STOPPING, start_background

PROGRESS_INTERVAL_S = 0.15  # at most ~7 progress-bar updates a second
_slots = threading.BoundedSemaphore(os.cpu_count() or 1)  # computations working at once
_held = threading.local()  # how deep this thread is in slots (a nested run takes none)
Report = Callable[[tuple[float, Note | None]], None]


class Miss(Exception):
    """Asked with `if_cached`: the value is not cached, it has to be computed."""


def if_cached(progress: tuple[float, Note | None]) -> None:
    """The `_report` of a call that only wants a cached value: a cached function's body
    runs only on a miss, and its first report (or its `slot`) raises `Miss`."""
    raise Miss


@contextmanager
def slot(report: Report | None = None) -> Iterator[None]:
    """Hold one of the cores' slots while the body computes (a thread that holds one
    already takes no other: a run inside a run). `report` hears when the wait is over.
    With `if_cached` it raises `Miss` at once: the value was not in the cache."""
    if report is if_cached:
        raise Miss
    depth = getattr(_held, "depth", 0)
    if depth == 0:
        _slots.acquire()
    _held.depth = depth + 1
    try:
        if report is not None and depth == 0:
            report((0.0, None))
        yield
    finally:
        _held.depth = depth
        if depth == 0:
            _slots.release()


def busy() -> bool:
    """Whether a session waits for a computation now (the warm-up yields to it)."""
    with _flights_lock:
        return bool(_flights)


@dataclass
class Flight:
    """A run being computed: its latest progress, and once it has ended its value or
    error."""

    progress: tuple[float, Note | None] = (0.0, None)
    queued: bool = True  # no progress yet: waiting for a free core (or a cached value)
    done: bool = False
    value: Any = None
    error: BaseException | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def report(self, progress: tuple[float, Note | None]) -> None:
        with self.changed:
            self.progress, self.queued = progress, False
            self.changed.notify_all()

    def finish(self, value: Any = None, error: BaseException | None = None) -> None:
        with self.changed:
            self.value, self.error, self.done = value, error, True
            self.changed.notify_all()


_flights: dict[Hashable, Flight] = {}
_flights_lock = threading.Lock()


class Bar:
    """A progress bar in `place` (an `st.empty`), drawn at most every
    PROGRESS_INTERVAL_S and only once there is something to say (a cached value shows
    no bar)."""

    def __init__(self, place: Any, lang: str) -> None:
        self.place, self.lang, self.last = place, lang, time.monotonic()
        self.drawn = False  # nothing to take away unless a bar was drawn

    def show(self, progress: tuple[float, Note | None], queued: bool = False) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL_S:
            return
        self.last = now
        fraction, note = progress
        if queued:
            text = t(self.lang, "progress.waiting")
        elif note is None:
            text = t(self.lang, "progress.starting")
        else:
            text = render_note(self.lang, note)
        self.place.progress(min(max(fraction, 0.0), 1.0), text=text)
        self.drawn = True


def start(fn: Callable[..., Any], *args: Hashable, **hidden: Any) -> Flight:
    """The flight computing `fn(*args, **hidden)` (hidden: "_"-named, out of the key),
    started now unless one for the same key is in the air."""
    key = (fn.__module__, fn.__qualname__, args)
    with _flights_lock:
        flight = _flights.get(key)
        if flight is None:
            flight = _flights[key] = Flight()
            target = lambda: compute(fn, args, hidden, key, flight)  # noqa: E731
            start_background(target, f"run {fn.__qualname__}")
    return flight


def compute(fn: Callable[..., Any], args: tuple, hidden: dict, key: Hashable, flight: Flight):
    """Compute `fn(*args)` for `flight`; then the key is free again."""
    try:
        value = fn(*args, _report=flight.report, **hidden)
    except BaseException as err:  # the sessions that wait get it
        with _flights_lock:
            del _flights[key]
        flight.finish(error=err)
    else:
        with _flights_lock:
            del _flights[key]
        flight.finish(value)


def shared(fn: Callable[..., Any], *args: Hashable, lang: str, place: Any = None, **hidden):
    """`fn(*args, **hidden, _report=...)`, a cached run, with its progress in `place` (an
    `st.empty`, made here if None) while it is computed for this session or for another
    that asked first; the bar goes when the value is there. The computation runs in a
    thread of its own (so nothing of the page is drawn inside the cached function, and
    a session that leaves does not stop it), one per key at a time."""
    return shared_all(fn, [args], lang=lang, place=place, **hidden)[0]


def shared_all(
    fn: Callable[..., Any], argsets: Iterable[tuple], lang: str, place: Any = None, **hidden
) -> list[Any]:
    """`shared` for several keys of `fn`, all started at once (they compute side by
    side, one per core), waited for in order under one bar. A cached value is read here,
    in the caller's thread (no flight, nothing drawn)."""
    argsets = list(argsets)
    got = [cached_value(fn, args, hidden) for args in argsets]
    flights = {i: start(fn, *args, **hidden) for i, args in enumerate(argsets) if got[i] is MISSING}
    if not flights:
        return got
    place = st.empty() if place is None else place
    bar = Bar(place, lang)
    try:
        for flight in flights.values():
            wait(flight, bar)
    finally:
        if bar.drawn:
            place.empty()
    for i, flight in flights.items():
        if flight.error is not None:
            raise flight.error
        got[i] = flight.value
    return got


MISSING = object()


def cached_value(fn: Callable[..., Any], args: tuple, hidden: dict) -> Any:
    """`fn(*args)`'s cached value, or MISSING: not cached, or being computed in a flight
    (asking then would wait for it without its progress)."""
    with _flights_lock:
        if (fn.__module__, fn.__qualname__, args) in _flights:
            return MISSING
    try:
        return fn(*args, _report=if_cached, **hidden)
    except Miss:
        return MISSING


def wait(flight: Flight, bar: Bar) -> None:
    """Show `flight`'s progress in `bar` until it ends (nothing for a quick end)."""
    while True:
        with flight.changed:
            if flight.done:
                return
            flight.changed.wait(PROGRESS_INTERVAL_S)
            if flight.done:
                return
            progress, queued = flight.progress, flight.queued
        bar.show(progress, queued)


# A key is a tuple of plain values (settings, names, numbers): hashed as its repr, one
# string, instead of Streamlit walking it value by value on every rerun (~5 ms a call).
BY_REPR = {tuple: repr}


@st.cache_resource(max_entries=128, show_spinner=False, hash_funcs=BY_REPR)
def work(key: Hashable, _compute: Callable[[Report], Any], _report: Report | None = None) -> Any:
    """`_compute(report)`, heavy work a view keys itself (`key` names everything it
    reads), on a core's slot."""
    report = _report or (lambda progress: None)
    with slot(report):
        return _compute(report)


@st.cache_resource(max_entries=512, show_spinner=False, hash_funcs=BY_REPR)
def drawn(key: Hashable, lang: str, _build: Callable[[], Any]) -> Any:
    """`_build()`: something drawn in `lang` from the value `key` names (a chart's spec,
    a table, a sentence), made once and shared by every session."""
    return _build()


@st.cache_resource(show_spinner=False)
def finished() -> set[Hashable]:
    """Keys of work some session asked for and got (a sweep run on its button): a view
    shows such work to every session without asking again. Streamlit's caches say no
    whether they hold a key without computing it; this small set does."""
    return set()


def warm(jobs: Iterable[tuple], name: str = "warm-up") -> None:
    """Compute each job's cached run in a background thread, one after another, each once
    no session waits for a computation (the default link and presets, at server start).
    A job is `(fn, args)`, `(fn, args, hidden)` or `(fn, args, hidden, label)`; the log
    (stderr) says when each labelled job is ready and when all are done."""

    def run_all() -> None:
        started, done = time.monotonic(), 0
        for fn, args, *rest in jobs:
            hidden, label = (rest + [{}, None])[:2] if rest else ({}, None)
            while busy():
                if STOPPING.wait(0.2):
                    return
            if STOPPING.is_set():
                return
            flight = start(fn, *args, **hidden)  # a flight: a session asking joins it
            with flight.changed:
                flight.changed.wait_for(lambda f=flight: f.done)
            if flight.error is None:
                done += 1
            else:  # a failed warm job must not stop the others
                print(
                    f"{name}: {fn.__qualname__} failed: {flight.error!r}",
                    file=sys.stderr,
                    flush=True,
                )
            if label is not None:
                took = time.monotonic() - started
                print(f"{name}: {label} ready at {took:.1f} s", file=sys.stderr, flush=True)
        took = time.monotonic() - started
        print(f"{name} done: {done} jobs in {took:.1f} s", file=sys.stderr, flush=True)

    start_background(run_all, name)
