"""The text budget on the page (AppTest, the real package): a run the budget cut says
what it cut (characters read, epochs) where the bits are shown, and beside it the
default size trained in the same budget, from the two runs' numbers."""

from __future__ import annotations

import pytest

from pagekit import APP, TIMEOUT
from playground import TextConfig, run_text
from playground.i18n import t
from playground.text.config import budget_cut, default_size
from playground.views.text import size_verdict
from streamlit.testing.v1 import AppTest

LARGE = {"text_hidden_size": "128", "text_num_layers": "2", "text_seq_length": "128"}


def open_text(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in ({"view": "text", "epochs": "2"} | query).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_a_cut_run_says_what_was_cut_and_shows_the_default_size_beside_it():
    asked = TextConfig(hidden_size=128, num_layers=2, seq_length=128, epochs=8)
    ran = asked.within_budget()[0]
    cut = budget_cut(asked, ran)
    assert cut is not None and cut.epochs < 8  # the budget cuts this one
    at = open_text(LARGE | {"text_epochs": "8"})
    said = [m.value for m in at.markdown]
    cut_words = t("en", "text.budget.cut_epochs", budget="10", chars=cut.chars,
                  total=cut.total, epochs=cut.epochs, asked=8)  # fmt: skip
    assert f":material/timer: {cut_words}" in said
    beside = default_size(asked)
    v = size_verdict(run_text(ran), run_text(beside))
    words = "text.budget.default_wins" if v.default_wins else "text.budget.bigger_wins"
    want = t("en", words, budget="10", model="LSTM", epochs=beside.epochs, bits=v.bits,
             default_bits=v.default_bits, hidden=64, layers=1, window=32)  # fmt: skip
    assert want in said
    # The controls show what ran; a rerun keeps saying it, a run as asked says nothing.
    assert at.slider(key="text_epochs").value == ran.epochs
    at.run()
    assert f":material/timer: {cut_words}" in [m.value for m in at.markdown]
    at.slider(key="text_epochs").set_value(2).run()
    assert not any(m.value.startswith(":material/timer:") for m in at.markdown)


def test_a_run_the_budget_leaves_alone_says_nothing_of_it():
    at = open_text({"text_epochs": "2"})
    assert not any(m.value.startswith(":material/timer:") for m in at.markdown)
