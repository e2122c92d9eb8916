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
