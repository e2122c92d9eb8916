"""The Gradients tab's sentence under its chart is read from the chart's numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.i18n import LANGUAGES, render_note
from playground.views.gradients import reach_note, share_text, share_texts, two_figures


@given(st.floats(min_value=1e-12, max_value=1e6, allow_nan=False), st.booleans())
def test_a_share_is_written_without_e_notation(share, fractions):
    text = share_text(share, fractions)
    assert "e" not in text.lower() and text
    if fractions and share < 1:  # "1/N": N is the inverse to two significant figures
        assert text.startswith("1/")
        assert float(text[2:].replace(",", "")) == pytest.approx(1 / share, rel=0.05)
    elif not fractions:  # a decimal to two significant figures
        assert float(text.replace(",", "")) == pytest.approx(share, rel=0.05)


def test_shares_are_written_to_two_figures():
    assert [two_figures(x) for x in (0.38, 0.0588, 2.63, 17.2, 2325, 9.96, 99.6)] == [
        "0.38", "0.059", "2.6", "17", "2,300", "10", "100",
    ]  # fmt: skip
    assert share_texts([0.38, 1 / 17, 1.2]) == ["0.38", "0.059", "1.2"]
    assert share_texts([0.38, 1 / 2325, 3.14]) == ["1/2.6", "1/2,300", "3.1×"]
    assert share_texts([0.25, 0.5]) == ["0.25", "0.50"]
    assert share_texts([0.25, 1e-3]) == ["1/4", "1/1,000"]


def test_one_sentence_writes_every_share_in_one_notation():
    """Issue 40, item 13: the sentence said "RNN 0.38, LSTM 1/17" (a decimal beside a
    fraction). Shares all at least 0.01 are decimals; any smaller, all are fractions."""
    for shares, want in (
        ({"rnn": 0.38, "lstm": 1 / 17, "gru": 0.2}, "RNN 0.38, LSTM 0.059, GRU 0.20"),
        ({"rnn": 0.38, "lstm": 1e-4, "gru": 0.2}, "RNN 1/2.6, LSTM 1/10,000, GRU 1/5"),
    ):
        rows = [
            (model, stage, step, norm)
            for model, share in shares.items()
            for step, norm in ((1, share), (2, 1.0))
            for stage in ("trained", "init")
        ]
        frame = pd.DataFrame(rows, columns=["model", "stage", "step", "grad_norm"])
        assert reach_note(frame).params["shares"] == want


def test_the_sentence_reads_each_trained_models_first_to_last_share():
    rows = []
    for model, norms in (("rnn", [0.5, 1.0, 2.0]), ("lstm", [0.001, 0.1, 1.0]), ("gru", [1, 1, 1])):
        for step, g in enumerate(norms, start=1):
            rows.append((model, "trained", step, float(g)))
            rows.append((model, "init", step, 1.0))
    frame = pd.DataFrame(rows, columns=["model", "stage", "step", "grad_norm"])
    note = reach_note(frame)
    want = "RNN 1/4, LSTM 1/1,000, GRU 1.0×"
    assert note.params == {"steps": 3, "shares": want, "least": "LSTM"}
    for lang in LANGUAGES:
        text = render_note(lang, note)
        assert "LSTM 1/1,000" in text and "{" not in text
    assert reach_note(frame[frame.stage == "init"]) is None
    assert np.isfinite(float(note.params["steps"]))
