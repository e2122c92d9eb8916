"""Runs cached by Streamlit across sessions, with their progress shown to every session
that waits for one.

A view's run is a function cached with `st.cache_resource` (one value per key for the
whole server, bounded entries) whose last parameter `_report` takes the run's progress,
a (fraction done, Note) pair; Streamlit leaves a parameter whose name starts with "_" out
of the key. `shared(fn, *args)` calls it: the first session to ask for a key computes it
and publishes its progress; every session that asks for the same key meanwhile shows
that progress until it is done, then reads the cached value. At most one run per core
computes at a time; the rest wait, saying so.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from playground.i18n import Note, render_note, t
from playground.pipeline.threads import start_background

PROGRESS_INTERVAL_S = 0.15  # at most ~7 progress-bar updates a second
_slots = threading.BoundedSemaphore(os.cpu_count() or 1)  # runs computing at once


@dataclass
class Flight:
    """A run being computed: its latest progress, and once it has ended its value or
    error."""

    progress: tuple[float, Note | None] = (0.0, None)
    queued: bool = True  # waiting for a free core
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
        self.place, self.lang, self.last = place, lang, 0.0

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


def shared(fn: Callable[..., Any], *args: Hashable, lang: str, place: Any = None) -> Any:
    """`fn(*args, _report=...)`, a cached run, with its progress in `place` (an
    `st.empty`, made here if None) while it is computed for this session or for another
    that asked first; the bar goes when the value is there. The computation runs in a
    thread of its own (so nothing of the page is drawn inside the cached function, and
    a session that leaves does not stop it), one per key at a time."""
    key = (fn.__module__, fn.__qualname__, args)
    with _flights_lock:
        flight = _flights.get(key)
        if flight is None:
            flight = _flights[key] = Flight()
            start_background(lambda: compute(fn, args, key, flight), f"run {fn.__qualname__}")
    place = st.empty() if place is None else place
    try:
        wait(flight, Bar(place, lang))
    finally:
        place.empty()
    if flight.error is not None:
        raise flight.error
    return flight.value


def compute(fn: Callable[..., Any], args: tuple, key: Hashable, flight: Flight) -> None:
    """Compute `fn(*args)` for `flight` once a core is free; then the key is free again."""
    try:
        with _slots:
            flight.report(flight.progress)  # no longer queued
            value = fn(*args, _report=flight.report)
    except BaseException as err:  # the sessions that wait get it
        with _flights_lock:
            del _flights[key]
        flight.finish(error=err)
    else:
        with _flights_lock:
            del _flights[key]
        flight.finish(value)


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


def warm(jobs: Iterable[tuple[Callable[..., Any], tuple]], name: str = "warm-up") -> None:
    """Compute each `(fn, args)` cached run in a background thread, one after another
    (the default link and presets of a view, at server start)."""

    def run_all() -> None:
        for fn, args in jobs:
            try:
                fn(*args, _report=None)
            except Exception as err:  # a failed warm job must not stop the others
                print(f"{name}: {fn.__qualname__} failed: {err!r}", flush=True)

    start_background(run_all, name)
