"""Instructor URL options: lock, hide, lang, preset; never raising on any query."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.config import PARAM_BY_NAME
from playground.text.config import TEXT_PARAM_BY_NAME
from playground.translate import TranslateConfig
from playground.i18n import LANGUAGES, render_note
from playground.workshop.instructor import (
    MAX_NOTES,
    InstructorOptions,
    parse_instructor_options,
)
from playground.workshop.presets import PRESETS


def test_empty_query_asks_nothing():
    assert parse_instructor_options({}) == InstructorOptions()


def test_full_workshop_link():
    opts = parse_instructor_options(
        {
            "lock": "model,epochs",
            "hide": "text",
            "lang": "zh",
            "preset": "overfitting",
            "noise": "0.3",
        }
    )
    assert opts == InstructorOptions(frozenset({"model", "epochs"}), True, "zh", "overfitting")


def test_the_text_view_s_settings_lock_by_their_url_keys():
    opts = parse_instructor_options({"lock": "text_epochs,TEXT_MODEL,epochs,text_colour"})
    assert opts.locked == {"text_epochs", "text_model", "epochs"}
    opts = parse_instructor_options({"lock": "translate_attention,translate_colour"})
    assert opts.locked == {"translate_attention"} and len(opts.notes) == 1
    assert [n.key for n in opts.notes] == ["instructor.unknown_lock"]


def test_unknown_lock_names_are_ignored_with_a_note():
    opts = parse_instructor_options({"lock": " Model , colour,,epochs"})
    assert opts.locked == {"model", "epochs"}
    assert [n.key for n in opts.notes] == ["instructor.unknown_lock"]
    assert "colour" in render_note("en", opts.notes[0]) and "colour" in render_note(
        "zh", opts.notes[0]
    )


TEXT_LOCKS = {"text_" + name for name in TEXT_PARAM_BY_NAME}
VIEW_LOCKS = TEXT_LOCKS | {"translate_" + p.name for p in TranslateConfig.params()}


def test_lock_all_and_repeated_keys():
    assert parse_instructor_options({"lock": "all"}).locked == set(PARAM_BY_NAME) | VIEW_LOCKS
    opts = parse_instructor_options({"lock": ["model", "seed,noise"]})
    assert opts.locked == {"model", "seed", "noise"}


@pytest.mark.parametrize(
    ("query", "hidden"),
    [
        ({"hide": "text"}, True),
        ({"explain": "0"}, True),
        ({"explain": "false"}, True),
        ({"explain": "1"}, False),
        ({"hide": "nothing"}, False),
        ({}, False),
    ],
)
def test_hide_text(query, hidden):
    assert parse_instructor_options(query).hide_text is hidden


def test_lang_and_preset():
    assert parse_instructor_options({"lang": "zh-CN"}).lang == "zh"
    assert parse_instructor_options({"lang": ["zh", "EN"]}).lang == "en"
    bad = parse_instructor_options({"lang": "fr", "preset": "nope"})
    assert bad.lang is None and bad.preset is None
    assert [n.key for n in bad.notes] == ["instructor.unknown_lang", "instructor.unknown_preset"]
    for key in PRESETS:
        assert parse_instructor_options({"preset": key.upper()}).preset == key


def test_notes_are_bounded_and_values_cut():
    opts = parse_instructor_options({"lock": ",".join(f"x{i}" * 20 for i in range(50))})
    assert len(opts.notes) == MAX_NOTES
    assert all(len(n.params["name"]) <= 24 for n in opts.notes)


query_values = st.one_of(
    st.text(max_size=40),
    st.lists(st.text(max_size=20), max_size=4),
    st.sampled_from(["model,epochs", "all", "text", "0", "zh", "overfitting", ",,,", ""]),
)


@given(
    st.dictionaries(
        st.sampled_from(["lock", "hide", "explain", "lang", "preset", "x"]) | st.text(max_size=5),
        query_values,
        max_size=6,
    )
)
@settings(deadline=None)
def test_never_raises_and_stays_valid(query):
    opts = parse_instructor_options(query)
    assert opts.locked <= set(PARAM_BY_NAME) | VIEW_LOCKS
    assert opts.lang in (None, *LANGUAGES)
    assert opts.preset is None or opts.preset in PRESETS
    assert len(opts.notes) <= MAX_NOTES
    for note in opts.notes:
        for lang in LANGUAGES:
            assert isinstance(render_note(lang, note), str)
