"""The generated translation tasks: every date pair's target is the ISO form of the
source's date (read back by an independent parser, `datetime.strptime`), number words and
Chinese numerals round-trip, reversal reverses, the alignment points at digits, and
pairs are the same for the same seed."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.translate import tasks

# strptime formats of the DATE_FORMS, in their order ("th" suffixes dropped first)
STRPTIME = ("%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%B %d, %Y", "%d/%m/%Y", "%d.%m.%Y",
            "%Y年%m月%d日", "%d %b %Y")  # fmt: skip


def read_date(source: str) -> datetime.date:
    """The date `source` writes, by strptime in one of the known formats."""
    plain = re.sub(r"(\d)(st|nd|rd|th),", r"\1,", source)
    for fmt in STRPTIME:
        try:
            return datetime.datetime.strptime(plain, fmt).date()
        except ValueError:
            continue
    raise AssertionError(f"no format reads {source!r}")


@given(st.integers(0, 2**32 - 1))
def test_every_date_pair_targets_the_iso_form_of_the_sources_date(seed):
    source, target = tasks.date_pair(random.Random(seed))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", target)
    assert read_date(source) == datetime.date.fromisoformat(target)


@given(st.dates(tasks.FIRST_DAY, tasks.LAST_DAY), st.sampled_from(tasks.DATE_FORMS))
def test_each_form_writes_its_date_and_the_alignment_points_at_the_same_digit(day, form):
    source, target = tasks.write_date(day, form), day.isoformat()
    assert read_date(source) == day
    align = tasks.date_alignment(day, form)
    assert len(align) == len(target)
    for t, j in enumerate(align):
        if j >= 0:
            assert source[j] == target[t] and target[t].isdigit()
    # the year's four digits are always written, so always aligned
    assert all(j >= 0 for j in align[:4])


def test_the_forms_of_the_issue_are_written():
    day = datetime.date(2026, 12, 7)
    written = {tasks.write_date(day, f) for f in tasks.DATE_FORMS}
    assert {"7 December 2026", "Dec 7, 2026", "07/12/2026", "2026年12月7日"} <= written


@given(st.integers(0, 999_999))
def test_english_words_round_trip(n):
    assert tasks.parse_english(tasks.english_words(n)) == n


@given(st.integers(0, 99_999_999))
def test_chinese_numerals_round_trip(n):
    assert tasks.parse_chinese(tasks.chinese_numeral(n)) == n


@pytest.mark.parametrize(
    "n, words, zh",
    [
        (312, "three hundred and twelve", "三百一十二"),
        (15, "fifteen", "十五"),
        (10005, "ten thousand and five", "一万零五"),
        (21100, "twenty-one thousand one hundred", "两万一千一百".replace("两", "二")),
        (1010, "one thousand and ten", "一千零一十"),
        (99999, "ninety-nine thousand nine hundred and ninety-nine", "九万九千九百九十九"),
    ],
)
def test_numbers_are_written_as_people_write_them(n, words, zh):
    assert tasks.english_words(n) == words
    assert tasks.chinese_numeral(n) == zh


@given(st.integers(0, 2**32 - 1), st.sampled_from(["en_zh", "zh_en", "en_digits"]))
def test_number_pairs_say_the_same_number(seed, task):
    source, target = tasks.make_pair(task, random.Random(seed))
    read = {"en": tasks.parse_english, "zh": tasks.parse_chinese, "digits": int}
    src_kind, tgt_kind = task.split("_")
    assert 1 <= read[src_kind](source) == read[tgt_kind](target) <= tasks.LARGEST


@given(st.integers(0, 2**32 - 1))
def test_reverse_pairs_reverse_4_to_30_letters(seed):
    source, target = tasks.reverse_pair(random.Random(seed))
    assert 4 <= len(source) <= 30 and source.isalpha() and target == source[::-1]


def test_pairs_are_the_same_per_seed_distinct_and_split_without_overlap():
    a, b = tasks.make_pairs("dates", 300, 5), tasks.make_pairs("dates", 300, 5)
    assert a == b and a != tasks.make_pairs("dates", 300, 6)
    assert len({s for s, _ in a}) == 300
    train, held = tasks.split_pairs(a, 0.2, 5)
    assert len(held) == 60 and sorted(train + held) == sorted(a)
    assert tasks.split_pairs(a, 0.2, 5) == (train, held)


def test_an_unknown_task_is_an_error():
    with pytest.raises(ValueError, match="unknown task"):
        tasks.make_pair("poetry", random.Random(0))
