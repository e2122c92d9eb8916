"""The sentiment task: generated reviews (a negation exactly `gap` words before the end,
labels flipped by it, nothing else giving it away), the classifier's determinism and
saliency, the comparison's verdict arithmetic, and the lesson over the lesson seeds:
at a short gap all three cells classify well; at the longest gap the page offers the
plain RNN falls at least 10 points behind the gated cells."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lessonkit import NEEDED, SEEDS

from playground.text import TextConfig
from playground.text.config import TEXT_PARAM_BY_NAME
from playground.text.reviews import GRAMMAR, encode_reviews, make_reviews, vocabulary
from playground.text.sentiment import run_sentiment
from playground.views.sentiment import SHORT_GAP, gap_verdict, sweep_frame, sweep_gaps

LONGEST_GAP = TEXT_PARAM_BY_NAME["gap"].high


@given(st.sampled_from(["en", "zh"]), st.integers(0, 12), st.integers(1, 40), st.integers(0, 99))
def test_reviews_hide_the_negation_gap_words_before_the_end(lang, gap, n, seed):
    g = GRAMMAR[lang]
    reviews, labels = make_reviews(lang, gap, n, seed)
    again, labels_again = make_reviews(lang, gap, n, seed)
    assert reviews == again and labels.tolist() == labels_again.tolist()
    negated = 0
    for words, label in zip(reviews, labels):
        slot = words[-(gap + 2)]  # "not" or its plain stand-in
        assert slot == g["not"] or slot in g["plain"]
        assert all(w in g["filler"] for w in words[-(gap + 1) : -1])
        positive_word = words[-1] in g["positive"]
        assert positive_word or words[-1] in g["negative"]
        is_negated = slot == g["not"]
        negated += is_negated
        assert label == int(positive_word != is_negated)
        assert words.count(g["not"]) == int(is_negated)  # no other "not" to lean on
    assert negated == n // 2  # half of them


def test_length_does_not_tell_the_label():
    reviews, labels = make_reviews("en", 5, 400, 0)
    lengths = pd.Series([len(r) for r in reviews])
    by_length = pd.Series(labels).groupby(lengths).mean()
    assert by_length.between(0.3, 0.7).all()


def test_encoding_left_pads_so_every_review_ends_at_the_last_step():
    vocab = vocabulary("zh")
    reviews, _ = make_reviews("zh", 3, 20, 1)
    x = encode_reviews(reviews, vocab)
    for row, words in zip(x.tolist(), reviews):
        assert [vocab[i] for i in row[len(row) - len(words) :]] == words
        assert set(row[: len(row) - len(words)]) <= {0}


@pytest.mark.parametrize("bad", [dict(lang="fr", gap=1), dict(lang="en", gap=-1)])
def test_bad_review_settings_are_refused(bad):
    with pytest.raises(ValueError):
        make_reviews(bad["lang"], bad["gap"], 4, 0)


def test_a_short_run_is_deterministic_and_its_saliency_has_its_shape():
    cfg = TextConfig(task="sentiment", model="gru", gap=3, seed=1)
    a, b = run_sentiment(cfg, epochs=2), run_sentiment(cfg, epochs=2)
    pd.testing.assert_frame_equal(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.saliency, b.saliency)
    assert list(a.metrics.columns) == ["model", "split", "loss", "accuracy"]
    assert a.saliency.role.tolist() == ["adjective"] + ["aside"] * 3 + ["negation"]
    assert (a.saliency.saliency > 0).all()


def test_sweep_verdict_arithmetic():
    acc = {("rnn", 8, s): 0.5 + 0.01 * s for s in range(3)}
    acc |= {("lstm", 8, s): 1.0 for s in range(3)} | {("gru", 8, s): 0.9 for s in range(3)}
    acc |= {(m, 2, s): 1.0 for m in ("rnn", "lstm", "gru") for s in range(3)}
    frame = sweep_frame(acc)
    v = gap_verdict(frame)
    assert v.gap == 8 and v.mean["rnn"] == pytest.approx(0.51)
    assert (v.low["rnn"], v.high["rnn"]) == (0.5, 0.52)
    assert v.behind == pytest.approx(49.0)
    assert gap_verdict(frame, 2).behind == pytest.approx(0.0)
    assert sweep_gaps(12) == (0, 2, 4, 6, 8, 10, 12) and sweep_gaps(0) == (0,)
    assert sweep_gaps(4) == (0, 1, 2, 3, 4) and sweep_gaps(7) == (0, 2, 4, 6, 7)


def test_the_gap_the_lesson_tests_is_the_longest_the_page_offers():
    assert LONGEST_GAP == 12


def accuracy(model: str, gap: int, seed: int) -> float:
    result = run_sentiment(TextConfig(task="sentiment", model=model, gap=gap, seed=seed))
    return float(result.metrics.set_index("split").accuracy["test"])


@pytest.mark.slow
def test_lesson_short_gap_all_cells_classify_well_long_gap_the_rnn_falls_behind():
    """text.sweep.*: at gap SHORT_GAP all three >= 90 % test accuracy; at the longest
    gap the RNN >= 10 points below the better gated cell; each in >= 80 % of seeds."""
    flags = gap_flags(SEEDS)
    short_ok, long_ok = (sum(f) for f in flags.values())
    assert short_ok >= NEEDED and long_ok >= NEEDED, (short_ok, long_ok, len(SEEDS))


def gap_flags(seeds) -> dict[str, list[bool]]:
    """Per seed: all three >= 90 % at SHORT_GAP; the RNN >= 10 points behind at the
    longest gap (bench/claims.py runs this over other seeds)."""
    short_ok, long_ok = [], []
    for seed in seeds:
        short = [accuracy(m, SHORT_GAP, seed) for m in ("rnn", "lstm", "gru")]
        short_ok.append(min(short) >= 0.9)
        rnn, lstm, gru = (accuracy(m, LONGEST_GAP, seed) for m in ("rnn", "lstm", "gru"))
        long_ok.append(max(lstm, gru) - rnn >= 0.10)
    return {
        f"all three >= 90 % test accuracy at gap {SHORT_GAP}": short_ok,
        f"RNN >= 10 points behind the better gated cell at gap {LONGEST_GAP}": long_ok,
    }
