"""The tour's steps and judges (playground/tour): every step has its words in both
languages, every judge reads the numbers it is given into one of its step's choices
with a sentence that carries those numbers, and returns None while they are missing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import ExperimentConfig
from playground.i18n import LANGUAGES, render_note, t
from playground.tour import STEPS, Reading, judge, step_from_link, unrolled_svg
from playground.views import VIEWS
from playground.workshop.presets import PRESETS

BASE = ExperimentConfig()
MSE = st.floats(1e-5, 10.0, allow_nan=False)
SHARE = st.floats(0.0, 1.0, allow_nan=False)
STEP = {s.key: s for s in STEPS}


def test_steps_are_ten_to_twelve_with_known_views_presets_and_two_to_four_choices():
    assert 10 <= len(STEPS) <= 12
    assert len({s.key for s in STEPS}) == len(STEPS)
    for s in STEPS:
        assert s.view in VIEWS
        assert s.preset is None or s.preset in PRESETS
        assert 2 <= len(s.choices) <= 4


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_word_exists_in_both_languages(lang):
    for s in STEPS:
        for part in ("title", "do", "more", "question", "wait"):
            assert t(lang, s.word(part)) != s.word(part), (lang, s.key, part)
        for c in s.choices:
            assert t(lang, s.choice_key(c)) != s.choice_key(c), (lang, s.key, c)


def reading(step, **kw) -> Reading:
    return Reading(cfg=kw.pop("cfg", BASE), base=BASE, **kw)


def check(step, verdict, *numbers):
    """The verdict is one of the step's choices and says the numbers in both languages."""
    assert verdict is not None and verdict.choice in step.choices
    for lang in LANGUAGES:
        text = render_note(lang, verdict.note)
        assert not text.startswith("tour."), text
        for n in numbers:
            assert n in text, (n, text)


@given(window=st.integers(2, 50))
def test_window_judge_says_the_learners_window(window):
    step = STEP["window"]
    got = judge(step, reading(step, cfg=replace(BASE, seq_length=window)))
    if window == BASE.seq_length:
        assert got is None  # not done yet
    else:
        check(step, got, str(window))
        assert got.choice == "window"


@given(train=MSE, test=MSE)
def test_gap_judge_reads_the_ratio(train, test):
    for key in ("first_rnn", "overfitting"):
        step = STEP[key]
        got = judge(step, reading(step, train_mse=train, test_mse=test))
        check(step, got, f"{test:.4f}", f"{train:.4f}")
        ratio = test / train
        assert got.choice == ("lower" if ratio < 1 else "close" if ratio <= 2 else "higher")


@given(before=MSE, after=MSE, hidden=st.sampled_from([4, 8, 32, 64]))
def test_change_judge_compares_before_and_after(before, after, hidden):
    step = STEP["size"]
    cfg = replace(BASE, hidden_size=hidden)
    got = judge(step, reading(step, cfg=cfg, base_test_mse=before, test_mse=after))
    if hidden == BASE.hidden_size:
        assert got is None
        return
    check(step, got, f"{before:.4f}", f"{after:.4f}")
    factor = after / before
    assert got.choice == ("rose" if factor > 1.1 else "fell" if factor < 1 / 1.1 else "same")


def test_lstm_judge_waits_for_the_model_to_change():
    step = STEP["lstm"]
    assert judge(step, reading(step, base_test_mse=0.01, test_mse=0.02)) is None
    got = judge(step, reading(step, cfg=replace(BASE, model="lstm"), base_test_mse=0.02,
                               test_mse=0.01))  # fmt: skip
    assert got.choice == "fell"


@given(share=SHARE)
def test_share_judges(share):
    for key, extra in (("sentiment", "accuracy"), ("translate", "exact")):
        step = STEP[key]
        got = judge(step, reading(step, extra={extra: share}))
        check(step, got, f"{100 * share:.1f}")
        assert judge(step, reading(step)) is None


@given(rnn=st.floats(0, 1.5), lstm=st.floats(0, 1.5))
def test_memory_judge_names_the_better_recaller(rnn, lstm):
    step = STEP["memory"]
    got = judge(step, reading(step, extra={"recall_rnn": rnn, "recall_lstm": lstm, "lag": 30}))
    check(step, got, f"{rnn:.2f}", f"{lstm:.2f}", "30")
    if abs(rnn - lstm) >= 0.05:
        assert got.choice == ("lstm" if lstm < rnn else "rnn")


@given(top=st.floats(0, 3), share=st.floats(1e-9, 1.0), net=st.floats(0.5, 6), bi=st.floats(0.5, 6))
def test_inside_gradients_text_judges(top, share, net, bi):
    got = judge(STEP["inside"], reading(STEP["inside"], extra={"hidden_max": top}))
    check(STEP["inside"], got, f"{top:.3f}")
    assert got.choice == ("within" if top <= 1 else "beyond")
    got = judge(STEP["gradients"], reading(STEP["gradients"], extra={"reach_rnn": share}))
    check(STEP["gradients"], got, f"{100 * share:.3g}")
    got = judge(STEP["text"], reading(STEP["text"], extra={"bits_net": net, "bits_bigram": bi}))
    check(STEP["text"], got, f"{net:.3f}", f"{bi:.3f}")
    assert got.choice == ("beats" if net < bi else "loses")


def test_next_judge_gives_the_pages_mse():
    step = STEP["next"]
    check(step, judge(step, reading(step, test_mse=0.0123456)), "0.012346")


@settings(max_examples=50)
@given(value=st.text(max_size=8))
def test_step_from_link_is_a_step_or_none(value):
    got = step_from_link(value)
    assert got is None or 1 <= got <= len(STEPS)


def test_step_from_link_examples():
    assert step_from_link("4") == 4
    assert step_from_link("1") == 1 and step_from_link("yes") == 1
    assert step_from_link("99") == len(STEPS)
    assert step_from_link("0") is None and step_from_link("x") is None


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("window", [3, 10, 12, 13, 50])
def test_the_picture_draws_one_cell_per_step_and_one_output(lang, window):
    svg = unrolled_svg(window, "rnn", lang)
    cells = svg.count("<rect")
    assert cells == (10 if window > 12 else window)
    assert svg.count("<circle") == 1 and "tour." not in svg
    assert str(window) in svg
