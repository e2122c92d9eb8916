"""One term per idea in each language (issue 25): the Chinese page says 间隔 for the lag
(never 滞后) and 测试集 for the test part (never 测试段 / 测试部分), never an English
`lag` in a sentence, and the Long memory button and its notice name the sweep alike."""

from __future__ import annotations

import re

import pytest

from playground.i18n import LANGUAGES, strings

FIELD = re.compile(r"\{[^}]*\}")  # format fields such as {lag} are not words shown


@pytest.mark.parametrize(
    ("avoided", "used"), [("滞后", "间隔"), ("测试段", "测试集"), ("测试部分", "测试集")]
)
def test_chinese_uses_one_term_for_the_lag_and_the_test_part(avoided, used):
    zh = strings("zh")
    assert not [k for k, v in zh.items() if avoided in v], f"say {used}"
    assert any(used in v for v in zh.values())


def test_no_english_lag_in_a_chinese_sentence():
    assert not [k for k, v in strings("zh").items() if re.search(r"\blag\b", FIELD.sub("", v))]


def test_the_sweep_button_is_named_as_the_notice_names_it():
    for lang in LANGUAGES:
        s = strings(lang)
        assert s["memory.run"].rstrip("。.") in s["preset.long_memory.notice"], lang


def test_the_long_memory_explanation_reads_as_sentences():
    """ "near 1 is no better than always answering the average, 0: nothing remembered"
    read as garbled; each sentence now says one thing."""
    en = strings("en")["view.memory.explain"]
    assert "`" not in en and ", 0: nothing" not in en
    assert "near 1 means nothing was remembered" in en


def test_the_language_menu_names_chinese_as_the_readme_does():
    assert LANGUAGES["zh"] == "简体中文"
