"""The guided tour on the page (AppTest, the real package, no mocks): a walk through
every step in both languages that guesses, does each step's thing and reads the answer
from the learner's own numbers, with no exception, no empty chart and no raw locale key;
the step in the URL (a link resumes it), Back, leaving and coming back, the locks and
hidden explanations of an instructor's link."""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from pagekit import APP, widget
from playground.i18n import t
from playground.tour import STEPS

# Quick runs: the series epochs locked low (a step's scenario keeps them), short text and
# translation runs.
QUICK = {
    "epochs": "20",
    "lock": "epochs,text_epochs",
    "text_epochs": "1",
    "translate_epochs": "1",
    "translate_pairs": "500",
}
MOVES = {"seq_length": 20, "hidden_size": 4, "model": "lstm"}  # each step's thing to do
RAW = re.compile(r"\btour\.[a-z_]+")
TIMEOUT = 300


def open_tour(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (QUICK | query).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> list[str]:
    """Every text the page shows: values, labels and options of its elements."""
    found = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "subheader"):
        found += [e.value for e in at.get(kind)]
    for kind in ("button", "radio", "slider", "selectbox", "expander", "tab"):
        for e in at.get(kind):
            found.append(str(getattr(e, "label", "")))
            found += [str(o) for o in getattr(e, "options", [])]
    return found


def empty_charts(at: AppTest) -> list[str]:
    """The charts that would draw no data (neither a dataset with rows nor inline values)."""
    empty = []
    for chart in at.get("vega_lite_chart"):
        rows = sum(len(pa.ipc.open_stream(d.data.data).read_pandas()) for d in chart.proto.datasets)
        if rows == 0 and '"values": [{' not in json.dumps(json.loads(chart.proto.spec)):
            empty.append(chart.proto.spec[:120])
    return empty


def answers(at: AppTest, lang: str) -> list[str]:
    """The tour's answers on the page (the right-guess or other-guess sentences)."""
    heads = (t(lang, "tour.right"), t(lang, "tour.other", guess="X").split("X")[0])
    return [e.value for e in list(at.success) + list(at.info) if e.value.startswith(heads)]


def check_page(at: AppTest, where: str) -> None:
    raw = [s for s in texts(at) if RAW.search(s)]
    assert not raw, (where, raw[:3])
    assert not empty_charts(at), (where, empty_charts(at))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_walk_through_every_step_answers_every_question_from_the_learners_numbers(lang):
    at = open_tour(tour="1", lang=lang)
    answered = []
    for number, step in enumerate(STEPS, start=1):
        assert at.query_params["tour"] == str(number)
        title = t(
            lang, "tour.step_of", step=number, total=len(STEPS), title=t(lang, step.word("title"))
        )
        assert any(m.value == f"**{title}**" for m in at.markdown), number
        assert at.session_state["view"] == t(lang, f"view.{step.view}.title")
        guess = step.choices[number % len(step.choices)]
        at.radio(key=f"tour_guess_{step.key}").set_value(guess)
        rerun(at)
        if step.moves:  # not done yet: the step says what to do, no answer
            assert not answers(at, lang), step.key
            widget(at, step.moves).set_value(MOVES[step.moves])
            rerun(at)
        if step.key == "sentiment":  # its thing to do: the Text view's task
            assert not answers(at, lang)
            at.button_group(key="text_task").set_value("sentiment")
            rerun(at)
        check_page(at, step.key)
        assert not notices(at, lang), step.key  # the step says what to notice
        said = answers(at, lang)
        if step.key == "memory":  # its sweep runs on its own button (the slow test)
            assert not said and t(lang, "tour.memory.wait") in [c.value for c in at.caption]
        else:
            assert len(said) == 1, (step.key, said)
            answered.append(step.key)
            shown = t(lang, step.choice_key(guess))
            right = said[0].startswith(t(lang, "tour.right"))
            assert right or shown in said[0], said[0]
        if number < len(STEPS):
            at.button(key="tour_next").click()
            rerun(at)
    assert at.button(key="tour_next").disabled
    assert len(answered) == len(STEPS) - 1


def test_the_size_steps_answer_reads_the_test_errors_shown_on_the_page():
    at = open_tour(tour="3")
    at.radio(key="tour_guess_size").set_value("rose")
    widget(rerun(at), "hidden_size").set_value(4)
    rerun(at)
    (said,) = answers(at, "en")
    before, after = (float(x) for x in re.findall(r"from ([\d.]+) to ([\d.]+)", said)[0])
    assert before != after
    # the answer's "after" is this run's test MSE as the errors table shows it
    table = at.dataframe[0].value
    row = table[(table.model == "RNN") & (table.split == "test")]
    assert f"{float(row.mse.iloc[0]):.4f}" == f"{after:.4f}"


def test_a_link_resumes_its_step_with_its_scenario_and_view():
    at = open_tour(tour="4", lang="zh")
    assert at.session_state["tour_step"] == 4
    assert at.session_state["preset"] == "overfitting"
    assert widget(at, "hidden_size").value == 128  # the scenario's settings
    at.button(key="tour_back").click()
    rerun(at)
    assert at.query_params["tour"] == "3" and widget(at, "hidden_size").value == 32
    at = open_tour(tour="7")
    assert at.session_state["view"] == t("en", "view.gradients.title")


def test_leaving_the_tour_and_coming_back_returns_to_the_same_step():
    at = open_tour(tour="5")
    at.button(key="tour_close").click()
    rerun(at)
    assert "tour" not in at.query_params
    assert not [m for m in at.markdown if m.value.startswith("**Tour")]
    resume = at.button(key="tour_resume")
    assert resume.label == t("en", "tour.resume", step=5)
    resume.click()
    rerun(at)
    assert at.query_params["tour"] == "5" and at.session_state["tour_step"] == 5


def test_the_start_button_opens_step_one_and_leaves_with_the_tour():
    at = open_tour()
    assert "tour" not in at.query_params
    at.button(key="tour_start").click()
    rerun(at)
    assert at.query_params["tour"] == "1"
    assert not [b for b in at.button if b.key == "tour_start"]  # shown until it started


def test_an_instructors_lock_holds_through_the_tours_steps_and_hide_hides_the_reasons():
    at = open_tour(tour="2", hide="text", hidden_size="8", lock="hidden_size,epochs")
    assert not [e for e in at.expander if e.label == t("en", "tour.more")]
    for _ in range(3):  # into the size step and the overfitting scenario (hidden 128)
        at.button(key="tour_next").click()
        rerun(at)
        assert widget(at, "hidden_size").value == 8 and widget(at, "hidden_size").disabled
    assert at.query_params["tour"] == "5"


@pytest.mark.slow
def test_the_memory_step_answers_once_the_sweep_ran():
    at = open_tour(tour="8")
    at.radio(key="tour_guess_memory").set_value("lstm")
    at.slider(key="lag").set_value(10)
    rerun(at)
    at.button(key="run_memory").click()
    rerun(rerun(at))
    (said,) = answers(at, "en")
    assert "lag 10" in said


def test_the_first_runs_step_opens_the_replay_of_its_run():
    at = open_tour(tour="1")
    assert not at.get("iframe")  # the replay stays closed on the window's step
    at.button(key="tour_next").click()
    rerun(at)
    assert len(at.get("iframe")) == 1  # step 2: the run's replay, open
    assert len(open_tour(tour="2").get("iframe")) == 1  # from a link too


def notices(at: AppTest, lang: str = "en") -> list[str]:
    """The header's scenario "what to notice" boxes on the page."""
    head = f"**{t(lang, 'preset.notice_header')}**"
    return [i.value for i in at.info if i.value.startswith(head)]


def test_the_scenarios_what_to_notice_gives_way_to_the_tours_step_while_it_is_open():
    at = open_tour(tour="4")  # the overfitting scenario, set up by the step
    assert at.session_state["preset"] == "overfitting" and not notices(at)
    at.button(key="tour_close").click()  # the tour left: the scenario says it again
    assert notices(rerun(at)) == [notices(open_tour(preset="overfitting"))[0]]
    at.button(key="tour_resume").click()
    assert not notices(rerun(at))
    at.button(key="tour_back").click()  # the tutorial scenario, set up by Back
    assert not notices(rerun(at)) and at.session_state["preset"] == "tutorial_rnn"
    # a scenario the link named itself (not the step's) keeps its box
    assert notices(open_tour(tour="4", preset="too_much_noise"))
