"""The Gradients tab's sentence under its chart is read from the chart's numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from playground.i18n import LANGUAGES, render_note
from playground.views.gradients import reach_note, share_text


@given(st.floats(min_value=1e-12, max_value=1e6, allow_nan=False))
def test_a_share_is_written_without_e_notation(share):
    text = share_text(share)
    assert "e" not in text.lower() and text
    if share < 0.1:  # "1/N": N is the rounded inverse
        assert text.startswith("1/") and int(text[2:].replace(",", "")) == round(1 / share)


def test_the_sentence_reads_each_trained_models_first_to_last_share():
    rows = []
    for model, norms in (("rnn", [0.5, 1.0, 2.0]), ("lstm", [0.01, 0.1, 1.0]), ("gru", [1, 1, 1])):
        for step, g in enumerate(norms, start=1):
            rows.append((model, "trained", step, float(g)))
            rows.append((model, "init", step, 1.0))
    frame = pd.DataFrame(rows, columns=["model", "stage", "step", "grad_norm"])
    note = reach_note(frame)
    assert note.params == {"steps": 3, "shares": "RNN 0.25, LSTM 1/100, GRU 1.0×", "least": "LSTM"}
    for lang in LANGUAGES:
        text = render_note(lang, note)
        assert "LSTM 1/100" in text and "{" not in text
    assert reach_note(frame[frame.stage == "init"]) is None
    assert np.isfinite(float(note.params["steps"]))
