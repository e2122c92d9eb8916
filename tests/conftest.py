"""Shared test set-up: Hypothesis profiles (a quick one for CI) and common fixtures."""

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
# No warm-up trainings in test servers and AppTest sessions: they would compete with the
# tests for the two cores (tests/test_warm.py tests the warm-up itself).
os.environ.setdefault("PLAYGROUND_WARM_UP", "0")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# The longest lessons train their seeds in a fixture shared by two tests each (lessonkit's
# `each` splits the seeds between the workers that ask at once). pytest-xdist's worksteal
# hands each of two workers one contiguous half of the collection, so one test of each
# pair goes first in each half: both workers start on them at once, instead of one
# worker training every seed while the other runs out of work.
SPLIT_FIRST = (
    ("test_translate_lessons.py::test_reverse_lessons_hold_in_most_seeds", 2),
    ("test_translate_lessons.py::test_dates_lessons_hold_in_most_seeds", 2),
)


def pytest_collection_modifyitems(config, items):
    picked = [[i for i in items if name in i.nodeid][:n] for name, n in SPLIT_FIRST]
    if any(len(pair) < 2 for pair in picked):
        return  # a run of some tests only: its order as collected
    rest = [i for i in items if not any(i in pair for pair in picked)]
    firsts, seconds = [pair[0] for pair in picked], [pair[1] for pair in picked]
    half = len(items) // 2 - len(firsts)
    items[:] = firsts + rest[:half] + seconds + rest[half:]
