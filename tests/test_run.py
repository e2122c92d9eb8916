"""app/run.py: a cached run computed once for every session that asks, its progress shown
to the sessions that wait for it, and the warm-up filling the cache ahead of them."""

from __future__ import annotations

import threading
import time

import streamlit as st

from app import run
from playground.i18n import Note


class Place:
    """Stands where `st.empty` would: records what it was asked to show."""

    def __init__(self) -> None:
        self.shown: list[tuple[float, str]] = []
        self.emptied = 0

    def progress(self, fraction: float, text: str) -> None:
        self.shown.append((fraction, text))

    def empty(self) -> None:
        self.emptied += 1


def test_waiting_sessions_see_the_one_computation_s_progress_then_its_value():
    computed, started, release = [], threading.Event(), threading.Event()

    @st.cache_resource(show_spinner=False)
    def slow(x: int, _report=None) -> int:
        _report((0.5, Note("progress.epoch", {"epoch": 1, "total": 2, "train": 1, "test": 1})))
        computed.append(x)  # after the first report, as the app's runs (their `slot`)
        started.set()
        release.wait(10)
        return 2 * x

    places, out = [Place() for _ in range(3)], []
    threads = [
        threading.Thread(target=lambda p=p: out.append(run.shared(slow, 21, lang="en", place=p)))
        for p in places
    ]
    threads[0].start()
    assert started.wait(10)
    for thread in threads[1:]:
        thread.start()
    time.sleep(3 * run.PROGRESS_INTERVAL_S)
    release.set()
    for thread in threads:
        thread.join(10)
    assert out == [42, 42, 42] and computed == [21]  # once, for all three
    for place in places:
        assert (0.5, "Training: epoch 1/2, train MSE 1.0000, test MSE 1.0000") in place.shown
        assert place.emptied == 1  # the bar goes when the value is there
    assert run._flights == {}


def test_a_cached_value_shows_no_bar_and_another_key_computes_again():
    calls = []

    @st.cache_resource(show_spinner=False)
    def double(x: int, _report=None) -> int:
        calls.append(x)
        return 2 * x

    first, again, other = Place(), Place(), Place()
    assert run.shared(double, 1, lang="en", place=first) == 2
    assert run.shared(double, 1, lang="en", place=again) == 2
    assert run.shared(double, 2, lang="en", place=other) == 4
    assert calls == [1, 2]
    assert again.shown == [] and other.shown == []  # nothing to wait for, nothing drawn


def test_an_error_reaches_the_session_and_leaves_no_flight():
    @st.cache_resource(show_spinner=False)
    def broken(x: int, _report=None) -> int:
        raise ValueError("no")

    place = Place()
    try:
        run.shared(broken, 1, lang="en", place=place)
    except ValueError as err:
        assert str(err) == "no"
    else:
        raise AssertionError("the error was swallowed")
    assert run._flights == {} and place.emptied == 0  # no bar was drawn: none to remove


def test_the_warm_up_computes_its_jobs_in_the_background():
    done = threading.Event()
    calls = []

    @st.cache_resource(show_spinner=False)
    def job(x: int, _report=None) -> int:
        calls.append(x)
        if x == 3:
            done.set()
        if x == 2:
            raise RuntimeError("a failed job does not stop the others")
        return x

    run.warm([(job, (1,)), (job, (2,)), (job, (3,))])
    assert done.wait(10)
    assert calls == [1, 2, 3]
    assert run.shared(job, 1, lang="en", place=Place()) == 1 and calls == [1, 2, 3]  # cached


def test_a_cached_value_is_read_in_the_callers_thread_without_a_flight(monkeypatch):
    calls = []

    @st.cache_resource(show_spinner=False)
    def held(x: int, _report=None) -> int:
        with run.slot(_report):  # a miss asked `if_cached` stops here
            calls.append(x)
            return x + 1

    assert run.shared(held, 1, lang="en", place=Place()) == 2 and calls == [1]

    def no_flight(*args, **kwargs):
        raise AssertionError("a flight for a cached value")

    monkeypatch.setattr(run, "start", no_flight)
    assert run.shared(held, 1, lang="en", place=Place()) == 2 and calls == [1]
    assert run.cached_value(held, (5,), {}) is run.MISSING and calls == [1]  # not computed
