"""The Text view on the page (AppTest, the real package, two epochs): it opens from
?view=text in both languages with its charts, says whether the network beats each
baseline from the numbers it shows, writes after the learner's start (a new start or
temperature writes something else), keeps its settings in the URL, and takes the
learner's own text, refusing a bad one while the previous stays in use."""

from __future__ import annotations

import json

import pytest

from pagekit import chart_frames, widget
from playground import TextConfig, generate, run_text
from playground.i18n import t
from playground.text.presets import TEXT_PRESETS
from playground.views.text import cells_verdict, gap_verdict, verdicts
from speckit import has_cjk, titles
from streamlit.testing.v1 import AppTest

from pagekit import APP, TIMEOUT

QUERY = {"view": "text", "epochs": "2", "text_epochs": "2"}  # a quick series run too


def open_text(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (QUERY | query).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def sample(at: AppTest) -> str:
    return at.code[0].value


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


@pytest.fixture(scope="module")
def english():
    return open_text()


def test_the_view_opens_with_its_charts_and_live_verdicts(english):
    at = english
    frames = chart_frames(at)
    assert len(frames) == 2  # bits per character, next character
    loss = max(frames[0], key=len)
    assert set(loss.line) == {"train", "test", "unigram", "bigram"}
    assert sorted(loss.epoch.unique()) == [0, 1, 2]
    bars = max(frames[1], key=len)
    assert len(bars) == 10 and bars.p.is_monotonic_decreasing
    # The verdicts are the numbers of the run the page shows.
    result = run_text(TextConfig(epochs=2))
    said = [m.value for m in at.markdown]
    for v in verdicts(result.metrics, "lstm"):
        words = "text.verdict.beats" if v.beats else "text.verdict.loses"
        baseline = t("en", f"text.baseline.{v.baseline}")
        want = t("en", words, model="LSTM", bits=v.bits, baseline=baseline, base=v.base)
        assert f"**{want}**" in said
    assert sample(at) == "the cat " + generate(result, "the cat ", 200, 0.5, 0)
    assert not at.error


def test_a_new_start_or_temperature_writes_something_else(english):
    at = english
    before = sample(at)
    widget(at, "text_temperature").set_value(1.2).run()
    hotter = sample(at)
    assert hotter != before and hotter.startswith("the cat ")
    at.text_input(key="text_prompt").set_value("once upon ").run()
    assert sample(at).startswith("once upon ") and sample(at) != hotter
    written = sample(at)
    at.run()  # the same start, temperature and seed: the same text
    assert sample(at) == written
    # Another tab and back: the start, the temperature and the settings are kept.
    at.session_state["view"] = t("en", "view.train.title")
    at.run()
    at.session_state["view"] = t("en", "view.text.title")
    at.run()
    assert not at.exception
    assert at.text_input(key="text_prompt").value == "once upon "
    assert widget(at, "text_temperature").value == 1.2 and sample(at) == written


def test_chinese_page_and_link_settings():
    at = open_text(lang="zh", text_corpus="zh", text_model="rnn", text_hidden_size="24")
    assert widget(at, "text_model").value == "rnn"
    assert widget(at, "text_hidden_size").value == 24
    assert at.query_params["text_model"] == "rnn" and at.query_params["text_corpus"] == "zh"
    widget(at, "text_hidden_size").set_value(32).run()
    assert at.query_params["text_hidden_size"] == "32"
    for spec in specs(at):
        assert any(has_cjk(x) for x in titles(spec))
    assert has_cjk(sample(at))  # it writes Chinese
    assert any(has_cjk(m.value) and "RNN" in m.value for m in at.markdown)


def test_own_text_runs_and_a_bad_one_keeps_the_previous():
    at = open_text(text_corpus="own")  # a link cannot carry a text: the corpus opens
    assert widget(at, "text_corpus").value == "en"
    assert t("en", "text.note.own_not_in_link") in [c.value for c in at.caption]
    widget(at, "text_corpus").set_value("own").run()
    assert t("en", "text.own.none") in [c.value for c in at.caption]
    own = "abc abd abe (xyz) " * 40
    at.text_area(key="text_area").input(own).run()
    assert not at.exception and not at.error
    assert any(str(len(own)) in c.value for c in at.caption)  # "Using your text: 720 ..."
    vocab_chart = max(chart_frames(at)[1], key=len)
    assert set(vocab_chart.char) <= set(own)
    at.text_area(key="text_area").input("zz").run()
    assert at.error and t("en", "text.own.kept") in at.error[0].value
    assert set(max(chart_frames(at)[1], key=len).char) <= set(own)  # still the good text


def test_sentiment_task_shows_accuracy_and_saliency_in_both_languages():
    for lang in ("en", "zh"):
        at = open_text(lang=lang, text_task="sentiment", text_gap="2", text_model="rnn")
        assert widget(at, "text_gap").value == 2
        said = [m.value for m in at.markdown]
        assert any("RNN" in m and "%" in m for m in said)
        frames = chart_frames(at)
        assert len(frames) == 1  # the saliency; the comparison waits for its button
        saliency = max(frames[0], key=len)
        assert saliency.role.tolist() == ["adjective", "aside", "aside", "negation"]
        assert at.button(key="text_sweep_run")
        if lang == "zh":
            assert any(has_cjk(x) for x in titles(specs(at)[0]))


@pytest.mark.slow
def test_sentiment_comparison_says_what_it_shows():
    at = open_text(text_task="sentiment", text_gap="2")
    at.button(key="text_sweep_run").click().run()
    assert not at.exception
    sweep = max(chart_frames(at)[1], key=len)
    assert len(sweep) == 9 and set(sweep.gap) == {2}  # 3 models x 3 seeds at one gap
    verdict = gap_verdict(sweep)
    behind = "text.sweep.behind" if verdict.behind >= 10 else "text.sweep.level"
    assert f"**{t('en', behind, gap=2, points=verdict.behind)}**" in [m.value for m in at.markdown]


@pytest.mark.slow
def test_three_cells_on_the_text_with_a_live_verdict():
    at = open_text(text_hidden_size="16", text_epochs="1")
    at.button(key="text_cells_run").click().run()
    assert not at.exception
    cells = max(chart_frames(at)[2], key=len)
    assert len(cells) == 9 and set(cells.model) == {"rnn", "lstm", "gru"}
    v = cells_verdict(cells)
    said = [m.value for m in at.markdown]
    assert f"**{t('en', 'text.compare.apart' if v.apart else 'text.compare.overlap')}**" in said


@pytest.mark.slow
def test_a_preset_sets_every_setting_and_says_what_to_notice():
    at = open_text()
    at.selectbox(key="text_preset").set_value("negation_far_away").run()
    assert not at.exception
    assert widget(at, "text_gap").value == TEXT_PRESETS["negation_far_away"].config.gap
    assert widget(at, "text_model").value == "rnn"
    assert at.query_params["text_task"] == "sentiment"
    assert t("en", "text.preset.negation_far_away.notice") in [i.value for i in at.info]
    widget(at, "text_gap").set_value(3).run()  # leaving the preset's settings
    assert at.selectbox(key="text_preset").value == ""
    assert t("en", "text.preset.negation_far_away.notice") not in [i.value for i in at.info]


def test_presets_are_complete_runnable_configs_in_both_languages():
    for preset in TEXT_PRESETS.values():
        assert preset.config.within_budget() == (preset.config, [])
        for lang in ("en", "zh"):
            assert t(lang, preset.title_key) != preset.title_key
            assert t(lang, preset.notice_key) != preset.notice_key


@pytest.mark.slow
@pytest.mark.parametrize(
    "corner",
    [
        dict(text_model="gru", text_hidden_size="128", text_num_layers="2", text_seq_length="8",
             text_epochs="60", text_corpus="zh"),
        dict(text_model="rnn", text_hidden_size="8", text_seq_length="128", text_epochs="1",
             text_learning_rate="0.1"),
    ],
)  # fmt: skip
def test_the_text_view_opens_at_the_corners_within_the_budget(corner):
    at = open_text(**{k: v for k, v in corner.items()} | {"text_epochs": corner["text_epochs"]})
    assert not at.exception and not at.error
    epochs = widget(at, "text_epochs").value
    cfg = TextConfig.from_query_params(dict(at.query_params))[0]
    assert epochs == cfg.epochs and cfg.seconds() <= 10.0  # the slider shows what ran
    assert len(chart_frames(at)) == 2


@pytest.mark.slow
def test_after_the_text_warm_up_a_first_visit_trains_nothing():
    from app.context import shared_cache
    from playground.serve.warm import warm_up
    from playground.views.text import warm_text_jobs

    shared_cache.clear()
    cache = shared_cache()
    try:
        warm_up(cache, warm_text_jobs())
        before = set(cache.keys())
        at = open_text(text_epochs="8")  # the default settings
        at2 = open_text(**{"text_task": "sentiment", "text_model": "rnn", "text_gap": "12"})
        assert not at.exception and not at2.exception
        trained = {k for k in set(cache.keys()) - before if k[0] in ("text", "text_sentiment")}
        assert not trained
    finally:
        shared_cache.clear()
