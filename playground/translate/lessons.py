"""The Translate view's lessons as measurements of one seed each, shared by the lesson
tests (tests/test_translate_lessons.py, over the lesson seeds) and the check on other
seeds (bench/claims_translate.py). Each returns (numbers, verdicts): the figures a
claim reads and whether it held.

- Dates (the default config): held-out exact match ≥ DATES_EXACT; each output digit's
  strongest attention on its own source digit in ≥ DIGITS_OWN of digits.
- Reverse (REVERSE, with and without attention): without attention, held-out character
  accuracy on long inputs (LONG) is lower than on short ones (SHORT) by at least
  FALL; with attention it is higher than without on long inputs by at least FALL.
  (With attention it does not "stay high" at this budget: 0.38-0.58 on 24-30 letters
  against 0.78-0.91 on 4-10 over seeds 0-9; without, 0.10-0.11 against 0.34-0.41.)
"""

from __future__ import annotations

from dataclasses import replace

from playground.translate.config import TranslateConfig
from playground.translate.probe import digit_attention
from playground.translate.run import TranslateResult, run_translate

DATES_EXACT = 0.95
DIGITS_OWN = 0.90
REVERSE = TranslateConfig(task="reverse", epochs=10)  # the preset "no_attention_long"
SHORT = range(4, 11)  # source lengths read as short
LONG = range(24, 31)  # and as long
FALL = 0.2


def dates_claims(seed: int) -> tuple[dict[str, float], dict[str, bool]]:
    """The default run on `seed`: held-out exact match and the share of digits that
    looked hardest at their own source digit."""
    r = run_translate(TranslateConfig(seed=seed))
    exact = float(r.metrics.set_index("split").exact["held_out"])
    digits = float(digit_attention(r).hit.mean())
    numbers = {"exact": exact, "digits_own": digits}
    return numbers, {"dates_exact": exact >= DATES_EXACT, "digits_own": digits >= DIGITS_OWN}


def char_accuracy_in(result: TranslateResult, lengths: range) -> float:
    """Held-out character accuracy over the sources whose length is in `lengths`."""
    held = result.held_out[result.held_out.length.isin(lengths)]
    right = sum(sum(a == b for a, b in zip(o, t)) for o, t in zip(held.output, held.target))
    return right / max(1, int(held.target.str.len().sum()))


def reverse_claims(seed: int) -> tuple[dict[str, float], dict[str, bool]]:
    """REVERSE on `seed` with and without attention: character accuracy on short and
    long held-out inputs."""
    numbers = {}
    for attention in ("additive", "none"):
        r = run_translate(replace(REVERSE, attention=attention, seed=seed))
        numbers[f"{attention}_short"] = char_accuracy_in(r, SHORT)
        numbers[f"{attention}_long"] = char_accuracy_in(r, LONG)
    verdicts = {
        "no_attention_falls": numbers["none_long"] <= numbers["none_short"] - FALL,
        "attention_holds_longer": numbers["additive_long"] >= numbers["none_long"] + FALL,
    }
    return numbers, verdicts
