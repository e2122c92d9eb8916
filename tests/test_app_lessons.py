"""The page says what its numbers say: the noise drawn in the run, a failed run, what the
forecast horizon shows (AppTest, short runs)."""

from __future__ import annotations

import pytest

from playground.i18n import strings, t
from pagekit import HEALTH_ICON, run_app


def open_view(view: str, lang: str = "en", **query):
    at = run_app(lang=lang, view=view, **query)
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_train_tab_gives_the_noise_drawn_in_this_run(lang):
    at = open_view("train", lang, epochs="30", noise="0.6")
    start = strings(lang)["noise.drawn"].split("{")[0]
    (line,) = [c.value for c in at.caption if c.value.startswith(start)]
    assert "18" in line  # the test points of the default series
    at_clean = open_view("train", lang, epochs="30", noise="0.0")
    assert not [c.value for c in at_clean.caption if c.value.startswith(start)]


def test_a_stalled_run_says_so_on_the_train_tab():
    at = open_view("train", epochs="10", learning_rate="0.0001")
    (failed,) = [w for w in at.warning if w.proto.icon == HEALTH_ICON]
    assert failed.value.startswith("This run has hardly learned"), failed.value
    learned = open_view("train", epochs="60")
    assert not any(w.value.startswith("This run") for w in learned.warning)


def test_the_compare_tab_lists_failed_runs():
    at = open_view("compare", epochs="10", learning_rate="0.0001", hidden_size="8")
    failed = [w.value for w in at.warning if "hardly learned" in w.value]
    assert len(failed) == 9, failed  # three models, three seeds: none learned in 10 epochs


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_forecast_tab_reads_its_horizon_chart(lang):
    at = open_view("forecast", lang, epochs="20", hidden_size="8")
    best = strings(lang)["forecast.verdict.best"].split("{")[0]
    assert sum(c.value.startswith(best) for c in at.caption) == 1
    grows = [c.value for c in at.caption if t(lang, "chart.model.gru") + "：" in c.value
             or c.value.startswith("GRU:")]  # fmt: skip
    assert len(grows) == 1, [c.value for c in at.caption]
