"""The lesson seeds come from one place and a claim needs 80 % of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessonkit import DEFAULT_SEEDS, NEEDED, SEEDS, lesson_seeds, needed


def test_default_is_seeds_0_to_9():
    assert DEFAULT_SEEDS == tuple(range(10))
    assert lesson_seeds(None) == lesson_seeds("") == lesson_seeds("  ") == DEFAULT_SEEDS
    assert NEEDED == needed(len(SEEDS))


def test_the_variable_lists_seeds_in_order_without_repeats():
    assert lesson_seeds("3, 5,8") == (3, 5, 8)
    assert lesson_seeds("7,7,2,") == (7, 2)
    for bad in ("a", "1;2", "-1", ","):
        with pytest.raises(ValueError):
            lesson_seeds(bad)


def test_needed_is_80_percent_rounded_up():
    assert [needed(n) for n in (1, 3, 5, 10, 11, 20)] == [1, 3, 4, 8, 9, 16]


@given(st.integers(1, 500))
def test_needed_is_the_least_count_reaching_80_percent(n):
    k = needed(n)
    assert k / n >= 0.8 and (k - 1) / n < 0.8
