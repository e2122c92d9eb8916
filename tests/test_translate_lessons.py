"""The Translate view's lessons over the lesson seeds (each must hold in at least 80 %
of them; measured by playground/translate/lessons.py, shared with
bench/claims_translate.py, which checks them on seeds 100-139):

- translate.preset.dates_attention.notice: the default run (dates, attention) is at
  least 95 % exact on held-out dates, and almost every output digit (at least 90 %)
  looks hardest at its own source digit.
- translate.preset.no_attention_long.notice: on reverse (the preset's settings), without
  attention character accuracy falls by at least 0.2 from short (4-10 letters) to long
  (24-30) inputs; with attention, long inputs score at least 0.2 above without.
"""

from __future__ import annotations

import pytest

from lessonkit import NEEDED, SEEDS, each, once_per_session
from dataclasses import replace

from playground.translate.lessons import REVERSE, dates_claims, reverse_claims
from playground.translate.presets import TRANSLATE_PRESETS

pytestmark = pytest.mark.slow


# Each seed's runs once per test session, split between the workers that ask (lessonkit).
shared_dates, shared_reverse = once_per_session(dates_claims), once_per_session(reverse_claims)


@pytest.fixture(scope="module")
def dates():
    return each(shared_dates, SEEDS)


@pytest.fixture(scope="module")
def reverse():
    return each(shared_reverse, SEEDS)


@pytest.mark.parametrize("claim", ["dates_exact", "digits_own"])
def test_dates_lessons_hold_in_most_seeds(dates, claim):
    held = [s for s, (numbers, verdicts) in dates.items() if verdicts[claim]]
    assert len(held) >= NEEDED, {s: n for s, (n, _) in dates.items()}


@pytest.mark.parametrize("claim", ["no_attention_falls", "attention_holds_longer"])
def test_reverse_lessons_hold_in_most_seeds(reverse, claim):
    held = [s for s, (numbers, verdicts) in reverse.items() if verdicts[claim]]
    assert len(held) >= NEEDED, {s: n for s, (n, _) in reverse.items()}


def test_the_preset_is_the_lessons_setting():
    preset = TRANSLATE_PRESETS["no_attention_long"].config
    assert preset == replace(REVERSE, attention="none")
