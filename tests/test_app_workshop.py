"""Workshop mode on the page (AppTest, real package, tiny epochs): links, languages,
instructor options, presets, the code export and the challenges."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from pagekit import chart_data, chart_frames, run_app
from playground.config import PARAMS
from playground.i18n import strings, t
from playground.workshop.presets import PRESETS
from speckit import english_words, has_cjk, shown_labels, titles
from test_app_controls import widget  # pagekit's, and the learning rate's select slider


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def open_tab(at, view: str, lang: str = "en") -> AppTest:
    at.session_state["view"] = t(lang, f"view.{view}.title")
    return rerun(at)


def shown_query(at) -> dict[str, str]:
    """The settings part of the URL the browser would show.

    Streamlit's frontend writes bound (numeric) widgets into the URL, which AppTest
    has no frontend to do; so those are read from the widgets, in the form the
    frontend writes (non-default values only). Hand-synced keys are read from the URL.
    """
    query = {k: v for k, v in at.query_params.items() if k in ("model", "signal", "lang")}
    for p in PARAMS:
        if not p.choices and widget(at, p.name).value != p.default:
            query[p.name] = str(widget(at, p.name).value)
    return query


# ---- Links ------------------------------------------------------------------------------
def test_url_round_trip_gives_the_same_controls_and_charts():
    at = run_app(epochs="3")
    widget(at, "noise").set_value(0.25)
    widget(at, "hidden_size").set_value(12)
    widget(at, "model").select("gru")
    rerun(at)
    query = shown_query(at)
    assert query["model"] == "gru"  # the key, not the label shown
    assert query == {"model": "gru", "noise": "0.25", "hidden_size": "12", "epochs": "3"}
    fresh = run_app(**query)
    for key in ("noise", "hidden_size", "model", "epochs", "seq_length"):
        assert widget(fresh, key).value == widget(at, key).value, key
    # The same charts, but for the faint line of the run before the change (this
    # session's history, not the setting): its dataset says what changed.
    assert chart_data(fresh) == json.dumps(
        [
            [f.to_dict("list") for f in frames if "change" not in f.columns]
            for frames in chart_frames(at)
        ]
    )
    assert any("change" in f.columns for fs in chart_frames(at) for f in fs)


def test_choice_controls_keep_their_keys_in_the_url():
    at = run_app(epochs="2", model="lstm")
    assert widget(at, "model").value == "lstm"
    assert at.query_params["model"] == "lstm"
    widget(at, "model").select("gru")
    rerun(at)
    assert at.query_params["model"] == "gru"
    widget(at, "model").select("rnn")  # the default leaves the URL
    rerun(at)
    assert "model" not in at.query_params
    widget(at, "signal").select("square")
    rerun(at)
    assert at.query_params["signal"] == "square"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Epochs: 1e+08 is outside 1..1000",
                "Noise (σ): 'abc' is not a number",
                "Model type: unknown value 'transformer'",
            ],
        ),
        (
            "zh",
            [
                "训练轮数 (epochs)：1e+08 超出了 1..1000 的范围",
                "噪声 (σ)：'abc' 不是数字",
                "模型类型：未知的取值 'transformer'",
            ],
        ),
    ],
)
def test_hostile_link_opens_clamped_with_notes_in_the_language(lang, expected):
    at = run_app(epochs="99999999", noise="abc", model="transformer", lang=lang)
    assert widget(at, "epochs").value == 1000
    assert widget(at, "noise").value == 0.1
    assert widget(at, "model").value == "rnn"
    notes = [w.value for w in at.warning]
    assert len(notes) == 3
    for text in expected:
        assert any(note.startswith(text) for note in notes), (text, notes)
    assert len(at.get("vega_lite_chart")) >= 3


def test_budget_and_window_notes_are_translated():
    at = run_app(lang="zh", epochs="1", n_points="40", seq_length="30")
    notes = " ".join(w.value for w in at.warning)
    assert "序列长度（窗口）" in notes and "一半" in notes, notes


# ---- Language ---------------------------------------------------------------------------
def test_chinese_link_shows_chinese_title_labels_and_tabs():
    at = run_app(lang="zh", epochs="2")
    assert at.title[0].value == "RNN 游乐场"
    assert widget(at, "noise").label == "噪声 (σ)"
    assert widget(at, "model").label == "模型类型"
    assert at.sidebar.header[0].value == "设置"
    assert [tab.label for tab in at.tabs][:2] == ["训练与预测", "模型对比"]
    assert widget(at, "signal").format_func("sine") == "正弦波"


def chart_specs(at: AppTest) -> list[dict]:
    """The Vega-Lite spec of each chart on the page."""
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_charts_speak_the_language_switched_to_over_the_same_data():
    at = run_app(epochs="2")
    english = chart_specs(at)
    assert {"t", "value", "series"} <= set(titles(english[0]))
    assert {"epoch", "MSE (log scale)", "split"} <= set(titles(english[1]))
    data = chart_data(at)
    widget(at, "lang").select("zh")
    rerun(at)
    chinese = chart_specs(at)
    assert len(chinese) == len(english) == 3  # predictions, loss, errors
    english_titles = {v for k, v in strings("en").items() if k.startswith("chart.title.")}
    for spec in chinese:
        found = titles(spec)
        assert found and all(has_cjk(title) for title in found), found
        assert not [w for title in found for w in english_words(title)], found
        assert not set(found) & english_titles
    assert shown_labels(chinese[0]) == {"truth": "真实值", "prediction": "预测值"}
    assert shown_labels(chinese[1]) == {"train": "训练集", "test": "测试集"}
    assert shown_labels(chinese[2])["mse"] == "均方误差"
    assert chart_data(at) == data  # the same numbers and keys, only the words changed


def test_switching_language_keeps_settings_and_the_open_tab():
    at = open_tab(run_app(epochs="2", hidden_size="8"), "challenges")
    widget(at, "lang").select("zh")
    rerun(at)
    assert at.title[0].value == "RNN 游乐场"
    assert at.session_state["view"] == "挑战"
    assert at.query_params["lang"] == "zh"
    assert widget(at, "hidden_size").value == 8
    assert len(verdicts(at)) == 4  # the challenge cards are still shown


# ---- Instructor options -----------------------------------------------------------------
def test_lock_disables_those_widgets_only():
    at = run_app(lock="model,epochs", epochs="2")
    assert widget(at, "model").disabled and widget(at, "epochs").disabled
    assert not widget(at, "noise").disabled and not widget(at, "hidden_size").disabled
    assert "Set by your instructor." in widget(at, "model").help
    assert any("Epochs" in c.value and "Model type" in c.value for c in at.caption)


def test_an_unknown_setting_in_lock_is_said_and_the_known_one_locked():
    at = run_app(lock="model,foo", epochs="2")
    assert widget(at, "model").disabled and not widget(at, "noise").disabled
    notes = [w.value for w in at.warning]
    assert notes == [t("en", "instructor.unknown_lock", name="foo")], notes


def test_hide_text_hides_explanations_and_unknown_options_are_noted():
    shown = run_app(epochs="2")
    assert any(t("en", "view.train.explain") == i.value for i in shown.info)
    for query in ({"hide": "text"}, {"explain": "0"}):
        at = run_app(epochs="2", **query)
        assert not [i for i in at.info if i.value == t("en", "view.train.explain")]
    at = run_app(epochs="2", lock="wings", preset="nope")
    notes = " ".join(w.value for w in at.warning)
    assert "wings" in notes and "nope" in notes


def test_preset_in_the_link_sets_controls_opens_its_view_and_says_what_to_notice():
    at = run_app(preset="vanishing_gradients", epochs="3")
    cfg = PRESETS["vanishing_gradients"].config
    assert widget(at, "seq_length").value == cfg.seq_length == 50
    assert widget(at, "n_points").value == cfg.n_points
    assert widget(at, "epochs").value == 3  # the link's own setting refines the preset
    assert at.session_state["view"] == t("en", "view.gradients.title")
    notice = t("en", PRESETS["vanishing_gradients"].notice_key)
    assert any(notice in i.value for i in at.info)


# ---- Presets ----------------------------------------------------------------------------
def test_choosing_a_preset_sets_every_control_and_opens_its_view():
    at = run_app(epochs="2")
    widget(at, "preset").select("real_data")
    rerun(at)
    cfg = PRESETS["real_data"].config
    assert cfg.signal == "airline"  # the dataset exists now
    for p in PARAMS:
        assert widget(at, p.name).value == getattr(cfg, p.name), p.name
    assert at.query_params["preset"] == "real_data"
    assert at.query_params["signal"] == "airline"
    assert at.session_state["view"] == t("en", "view.train.title")
    assert any(t("en", PRESETS["real_data"].notice_key) in i.value for i in at.info)


def test_a_locked_page_locks_the_scenario_menu_too():
    """A scenario on a locked page would run the locked settings under the scenario's
    name and notice; the menu is locked with the controls."""
    at = run_app(lock="model", epochs="2", preset="too_much_noise")
    assert widget(at, "preset").disabled and widget(at, "model").disabled
    assert widget(at, "preset").value == "too_much_noise"
    assert not run_app(epochs="2").selectbox(key="preset").disabled


def test_view_aliases_and_unknown_views():
    """`view=data` (an older name of Train) opens Train even with a preset that opens
    another view; an unknown view is said, not silently dropped."""
    at = run_app(preset="vanishing_gradients", view="data", epochs="2")
    assert at.session_state["view"] == t("en", "view.train.title")
    at = run_app(view="foo", epochs="2")
    assert any("foo" in w.value for w in at.warning)
    assert at.session_state["view"] == t("en", "view.train.title")


# ---- Take it home -----------------------------------------------------------------------
def test_code_tab_shows_the_script_and_downloads():
    at = open_tab(run_app(epochs="2", init_scale="1.5", clip_grad="0.5"), "home")
    code = at.code[0].value
    assert "import torch" in code and "EPOCHS = 2  #" in code
    assert "INIT_SCALE = 1.5" in code and "CLIP_GRAD = 0.5" in code
    labels = [b.proto.label for b in at.get("download_button")]
    kinds = ("predictions", "losses", "metrics", "config", "script", "weights")
    assert labels == [t("en", f"download.{k}") for k in kinds]
    assert not at.button  # every file is ready to download: no "prepare" step


def test_code_tab_for_a_real_series_embeds_it():
    at = open_tab(run_app(epochs="2", signal="sunspots", n_points="100"), "home")
    assert "'sunspots'" in at.code[0].value and "SIGNAL = 'sunspots'" in at.code[0].value


# ---- Challenges -------------------------------------------------------------------------
NOT_YET = ":material/pending: **" + t("en", "challenge.not_yet") + "**"


def verdicts(at) -> list[str]:
    """Each challenge card's verdict: passed (a success box) or not yet (a line; an
    error box before issue 40, counted so that tests of other things hold either way)."""
    not_yet = tuple(
        f":material/pending: **{t(lang, 'challenge.not_yet')}**" for lang in ("en", "zh")
    )
    lines = [m.value for m in at.markdown if m.value.startswith(not_yet)]
    return [m.value for m in at.success] + [e.value for e in at.error] + lines


def test_each_challenge_shows_pass_or_fail():
    at = open_tab(run_app(epochs="3", hidden_size="8"), "challenges")
    said = verdicts(at)
    assert len(said) == 4
    # 3 epochs cannot reach the quick learner's goal; hidden 8 is small enough to try.
    assert any(v.startswith(NOT_YET) and "test MSE over seeds 0, 1, 2" in v for v in said)
    links = [c.value for c in at.caption if c.value.startswith("An example that solves it")]
    assert len(links) == 4 and all("](?" in link for link in links), links


def test_a_newcomer_sees_goals_not_yet_reached_not_errors():
    """The default page fails every card: that is said plainly, in no red box."""
    at = open_tab(run_app(), "challenges")
    assert not at.error
    assert [v.startswith(NOT_YET) for v in verdicts(at)] == [True] * 4


def test_hide_text_hides_the_settings_that_solve_each_challenge():
    at = open_tab(run_app(epochs="3", hidden_size="8", hide="text"), "challenges")
    assert len(verdicts(at)) == 4  # the goals and verdicts stay
    example = t("en", "challenge.example", link="")[:20]
    assert not [c for c in at.caption if c.value.startswith(example)]
    assert not [m for m in at.markdown if "](?" in m.value]


def test_rnn_forgets_trains_its_lstm_reference():
    at = open_tab(run_app(epochs="2", hidden_size="4", seq_length="40"), "challenges")
    said = " ".join(verdicts(at))
    assert "LSTM" in said and "Train an LSTM" not in said


def test_the_errors_table_speaks_chinese():
    at = run_app(epochs="2", lang="zh")
    table = at.dataframe[0]
    assert list(table.value.model) == ["RNN", "RNN"]
    assert list(table.value.split) == ["训练集", "测试集"]  # words, not the keys train/test
    headers = json.loads(table.proto.columns)
    labels = [headers[c]["label"] for c in ("model", "split", "mse")]
    assert labels == ["模型", "数据集", "均方误差"]
