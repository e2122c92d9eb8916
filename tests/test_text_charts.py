"""The Text view's charts and HTML: valid Vega-Lite in both languages, the baselines
drawn flat at their test loss, the ten likeliest characters, one unit's colours over
escaped text, and the snapshot player carrying every sample safely."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.charts.text import (
    TOP_CHARS,
    cells_chart,
    loss_frame,
    next_char_chart,
    saliency_chart,
    snapshot_player,
    sweep_chart,
    text_loss_chart,
    unit_color,
    unit_html,
)
from playground.views.text import cells_frame, cells_verdict
from speckit import has_cjk, titles

LOSSES = pd.DataFrame(
    [(e, s, 5.0 - e - (s == "test") * 0.1) for e in range(4) for s in ("train", "test")],
    columns=["epoch", "split", "loss"],
)
METRICS = pd.DataFrame(
    [
        (m, sp, v)
        for sp in ("train", "test")
        for m, v in (("lstm", 2.0), ("unigram", 4.4), ("bigram", 3.0))
    ],
    columns=["model", "split", "loss"],
)
PROBS = pd.DataFrame({"char": list("abcdefghijkl \n"), "p": np.linspace(0.2, 0.01, 14)})
SALIENCY = pd.DataFrame(
    {"position": [0, 1, 2], "role": ["adjective", "aside", "negation"], "saliency": [3, 1, 2.0]}
)
SWEEP = pd.DataFrame(
    [(m, g, s, 0.5 + 0.1 * s) for m in ("rnn", "lstm", "gru") for g in (2, 8) for s in range(3)],
    columns=["model", "gap", "seed", "accuracy"],
)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_are_valid_specs_titled_in_the_language(lang):
    charts = [
        text_loss_chart(LOSSES, METRICS, "lstm", lang),
        next_char_chart(PROBS, lang),
        saliency_chart(SALIENCY, lang),
        sweep_chart(SWEEP, lang),
    ]
    for chart in charts:
        spec = chart.to_dict(validate=True)
        assert spec == chart.to_dict(validate=False)
        if lang == "zh":
            assert any(has_cjk(x) for x in titles(spec))


def test_baselines_are_flat_at_their_test_loss_across_the_epochs():
    frame = loss_frame(LOSSES, METRICS)
    for baseline, value in (("unigram", 4.4), ("bigram", 3.0)):
        rows = frame[frame.line == baseline]
        assert rows.epoch.tolist() == [0, 3] and (rows.loss == value).all()
    assert len(frame[frame.line.isin(["train", "test"])]) == len(LOSSES)


def test_next_char_chart_shows_the_ten_likeliest_with_words_for_blanks():
    rows = next_char_chart(PROBS, "en").data
    assert len(rows) == TOP_CHARS and rows.p.is_monotonic_decreasing
    assert next_char_chart(PROBS.iloc[[12, 13]], "en").data.shown.str.contains("space|line").all()


def test_next_char_bars_are_ordered_by_odds_in_the_spec_on_an_axis_that_fits_them():
    # Issue 40: after the start changed, the page kept the bars' old order (the domain
    # followed the data's order, which an in-place data swap does not renew), and the
    # axis always ran 0-1. The order is the spec's: by p, largest first.
    shuffled = PROBS.sample(frac=1, random_state=3)
    chart = next_char_chart(shuffled, "en")
    assert chart.data.p.tolist() == sorted(PROBS.p, reverse=True)[:TOP_CHARS]
    encoding = chart.to_dict()["encoding"]
    assert encoding["y"]["sort"] == {"field": "p", "op": "max", "order": "descending"}
    assert encoding["x"]["scale"]["domain"] == [0, 0.2]  # the largest odds is 0.2
    sure = pd.DataFrame({"char": list("ab"), "p": [0.94, 0.06]})
    assert next_char_chart(sure, "en").to_dict()["encoding"]["x"]["scale"]["domain"] == [0, 1]


@given(st.text(min_size=1, max_size=40))
def test_unit_html_escapes_every_character_and_colours_each(text):
    values = np.linspace(-1, 1, len(text))
    out = unit_html(text, values)
    assert out.count("<span") == len(text)
    assert "<script" not in out.replace("&lt;script", "")
    for c in set(text) - {"\n"}:
        if c in "<>&\"'":
            assert f">{c}<" not in out  # escaped


def test_unit_html_refuses_a_length_mismatch():
    with pytest.raises(ValueError):
        unit_html("abc", np.zeros(2))


def test_unit_colours_red_positive_blue_negative_by_size():
    assert unit_color(0.5, 1.0) == "rgba(214,39,40,0.50)"
    assert unit_color(-2.0, 1.0) == "rgba(31,119,180,1.00)"
    assert unit_color(0.3, 0.0).endswith(",0.00)")


def test_player_carries_every_sample_and_cannot_be_closed_by_one():
    shots = pd.DataFrame({"epoch": [0, 4, 8], "sample": ["abc", "</script><b>x", "最后"]})
    page = snapshot_player(shots, "zh")
    assert page.count("</script>") == 1  # only its own
    assert "最后" in page and "第 8 轮" in page and 'max="2"' in page and "播放" in page


def test_cells_chart_and_verdict():
    bits = {("rnn", s): 2.5 + 0.1 * s for s in range(3)}
    bits |= {("lstm", s): 2.0 + 0.1 * s for s in range(3)}
    bits |= {("gru", s): 2.1 + 0.1 * s for s in range(3)}
    frame = cells_frame(bits)
    for lang in ("en", "zh"):
        chart = cells_chart(frame, lang)
        assert chart.to_dict(validate=True) == chart.to_dict(validate=False)
    v = cells_verdict(frame)
    assert v.best == "lstm" and v.mean["lstm"] == pytest.approx(2.1)
    assert (v.low["gru"], v.high["gru"]) == (pytest.approx(2.1), pytest.approx(2.3))
    assert not v.apart  # LSTM's worst (2.2) does not beat GRU's best (2.1)
    bits |= {("gru", s): 2.3 + 0.1 * s for s in range(3)}  # all above LSTM's worst
    assert cells_verdict(cells_frame(bits)).apart


def test_the_text_player_looks_like_the_train_replay_s():
    """Issue 40: the Text replay's player was unstyled beside the Train replay's. It
    carries the Train player's own style (button, scrubber, epoch label)."""
    from playground.charts.replay import TEMPLATE

    page = snapshot_player(pd.DataFrame({"epoch": [0, 4], "sample": ["a", "b"]}), "en")
    train_style = TEMPLATE.split("<style>")[1].split("</style>")[0]
    assert train_style.strip() and train_style in page
    assert '<div class="bar">' in page and 'class="epoch"' in page and "&#9654;" in page


def test_the_position_labels_of_the_sentiment_chart_stand_upright():
    axis = saliency_chart(SALIENCY, "en").to_dict()["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == 0  # they were turned 90°
