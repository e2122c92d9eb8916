"""Both languages carry the same keys and format fields; lookups and parsing never break."""

from __future__ import annotations

from localekit import format_fields

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.config import PARAMS, ExperimentConfig
from playground.i18n import (
    LANGUAGES,
    Note,
    detect_language,
    normalize_language,
    render_note,
    strings,
    t,
)

ROOT = Path(__file__).resolve().parents[1]


def test_every_language_has_every_key():
    keys = {lang: set(strings(lang)) for lang in LANGUAGES}
    for lang, have in keys.items():
        for other, theirs in keys.items():
            assert not (theirs - have), f"{lang} lacks {sorted(theirs - have)} (in {other})"


@pytest.mark.parametrize("key", sorted(strings("en")))
def test_format_fields_agree_across_languages(key):
    fields = {lang: format_fields(strings(lang)[key]) for lang in LANGUAGES}
    assert len(set(fields.values())) == 1, fields


def test_no_empty_strings_and_chinese_is_translated():
    zh = strings("zh")
    assert all(text.strip() for lang in LANGUAGES for text in strings(lang).values())
    # Every explanation, preset and challenge text is written in Chinese, not copied.
    long_keys = [k for k in zh if k.split(".")[-1] in ("explain", "notice", "goal", "title")]
    assert len(long_keys) > 20
    for key in long_keys:
        if key.startswith(("preset.", "view.", "challenge.")):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[key]), key


def test_format_fields_parses_specs():
    assert format_fields("a {x} b {y:.4f} {z!r}") == {"x", "y", "z"}
    assert format_fields("no fields") == frozenset()


def test_every_param_has_label_and_help_in_both_languages():
    for lang in LANGUAGES:
        for p in PARAMS:
            for part in ("label", "help"):
                assert f"param.{p.name}.{part}" in strings(lang), (lang, p.name, part)


def test_every_choice_has_a_label():
    for p in PARAMS:
        for choice in p.choices:
            assert f"choice.{p.name}.{choice}" in strings("en"), (p.name, choice)


SHOWN_CALLS = {
    "title",
    "header",
    "subheader",
    "caption",
    "expander",
    "progress",
    "error",
    "warning",
    "info",
    "success",
    "markdown",
    "button",
    "tabs",
}


def shown_literals(source: str) -> list[str]:
    """String literals passed to the page's display calls (st.title("..."), ...)."""
    literals = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SHOWN_CALLS:
                args = list(node.args) + [kw.value for kw in node.keywords if kw.arg == "text"]
                literals += [
                    a.value
                    for a in args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
    return [s for s in literals if s.strip() and s != "🔁"]


def test_shown_literals_finds_display_strings():
    source = 'st.subheader("A")\nbar.progress(0.0, text="B")\nst.title(t(lang, "x"))\n'
    assert shown_literals(source) == ["A", "B"]


def test_page_strings_are_all_covered():
    """Every literal the page shows has an English entry (so none is forgotten)."""
    english = set(strings("en").values())
    literals = shown_literals((ROOT / "streamlit_app.py").read_text(encoding="utf-8"))
    missing = [s for s in literals if s not in english]
    assert not missing, missing


def test_t_formats_and_falls_back():
    assert t("en", "progress.memory_run", done=2, total=9, model="GRU", lag=5) == (
        "Run 2 of 9: trained GRU at lag 5"
    )
    text = t("zh", "progress.epoch", epoch=5, total=100, train=0.01234, test=0.5)
    assert "5/100" in text and "0.0123" in text and "0.5000" in text
    assert t("fr", "section.loss") == "Loss per epoch"  # unknown language: English
    assert t("zh", "no.such.key") == "no.such.key"  # unknown key: the key itself
    # A missing format field falls back instead of raising.
    assert t("zh", "progress.memory_run") == "progress.memory_run"


def test_t_falls_back_to_english_for_a_key_missing_in_chinese(monkeypatch):
    zh = dict(strings("zh"))
    del zh["section.loss"]
    monkeypatch.setattr(
        "playground.i18n.strings",
        lambda lang: zh if lang == "zh" else {"section.loss": "Loss per epoch"},
    )
    assert t("zh", "section.loss") == "Loss per epoch"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("zh", "zh"),
        ("zh-CN", "zh"),
        ("zh-Hans", "zh"),
        ("zh-TW", "zh"),
        ("zh-Hant-TW,zh;q=0.9", "zh"),
        ("ZH_cn", "zh"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr-FR,zh-CN;q=0.8,en;q=0.5", "zh"),
        ("en;q=0.5,zh;q=0.8", "zh"),
        ("zh-CN;q=0,en", "en"),
        ("en-GB,zh-CN", "en"),
        ("*", "en"),
        (";;;,,,q=", "en"),
    ],
)
def test_detect_language(header, expected):
    assert detect_language(header) == expected


@given(st.one_of(st.none(), st.text(), st.text(alphabet="zhenZHEN-_;,=q.0123456789 *")))
@settings(deadline=None)
def test_detect_language_never_raises(header):
    assert detect_language(header) in LANGUAGES


def test_normalize_language():
    assert normalize_language("ZH-cn") == "zh"
    assert normalize_language("en") == "en"
    assert normalize_language("fr") is None
    assert normalize_language(None) is None


# ---- config.py's Notes -> either language ---------------------------------------------
URL_CASES = [
    ({"noise": "5"}, "note.clamped", "Noise (σ): 5 is outside 0.0..1.0, clamped to 1"),
    ({"noise": "abc"}, "note.not_number", "Noise (σ): 'abc' is not a number, using 0.1"),
    ({"noise": "inf"}, "note.not_finite", "Noise (σ): 'inf' is not a finite number, using 0.1"),
    ({"noise": ""}, "note.ignored", "Noise (σ): ignored '', using 0.1"),
    (
        {"noise": "x" * 80},
        "note.ignored",
        "Noise (σ): ignored 'xxxxxxxxxxxxxxxxxxxxx...', using 0.1",
    ),
    (
        {"model": "transformer"},
        "note.unknown_choice",
        "Model type: unknown value 'transformer', using 'rnn' (choices: rnn, lstm, gru)",
    ),
    ({"hidden_size": "7.6"}, "note.rounded", "Hidden size: rounded 7.6 to 8"),
    (
        {"seq_length": "40", "n_points": "40"},
        "note.seq_too_long",
        "Sequence length (window): 40 is more than half of the 40 points; lowered to 20",
    ),
    (
        {
            "model": "lstm",
            "hidden_size": "128",
            "n_points": "100",
            "seq_length": "50",
            "num_layers": "3",
            "epochs": "1000",
        },
        "note.budget",
        "Epochs: 1000 would exceed the compute budget for this model and size; lowered to 31",
    ),
    (
        {
            "model": "lstm",
            "hidden_size": "128",
            "n_points": "1000",
            "seq_length": "50",
            "num_layers": "3",
            "epochs": "30",
        },
        "note.points_budget",
        "Number of points: 1000 would leave fewer than 30 epochs within the compute budget "
        "for this model and size; lowered to 100",
    ),
    (
        {"learning_rate": "0.0123"},
        "note.snapped",
        "Learning rate: 0.0123 is not one of the offered values; using the nearest, 0.01",
    ),
]


def assert_renders(note: Note) -> None:
    """`note` has a key in both languages, every field its strings use, and a label."""
    assert note.params.get("param") in {p.name for p in PARAMS}, note
    for lang in LANGUAGES:
        assert note.key in strings(lang), (lang, note)
        assert format_fields(strings(lang)[note.key]) <= set(note.params) | {"label"}, note
    english, chinese = render_note("en", note), render_note("zh", note)
    shown = "".join(str(v) for v in note.params.values())  # a link's value may hold braces
    assert chinese.count("{") == shown.count("{") and chinese != english
    assert english.startswith(t("en", f"param.{note.params['param']}.label") + ": ")


@pytest.mark.parametrize(("query", "key", "english"), URL_CASES)
def test_config_notes_render_in_both_languages(query, key, english):
    _, notes = ExperimentConfig.from_query_params(query)
    assert [n.key for n in notes] == [key]
    assert_renders(notes[0])
    assert render_note("en", notes[0]) == english


def test_coerce_notes_render_in_both_languages():
    _, notes = ExperimentConfig.from_values(
        {"noise": float("nan"), "hidden_size": "many", "seq_length": 2.5}
    )
    assert [render_note("en", n) for n in notes] == [
        "Noise (σ): nan is not a finite number, using 0.1",
        "Sequence length (window): rounded 2.5 to 2",
        "Hidden size: 'many' is not a number, using 32",
    ]
    for note in notes:
        assert_renders(note)


url_values = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["rnn", "LSTM", "gru ", "sine", "", "1e309", "-0", "nan"]),
)


@given(st.dictionaries(st.sampled_from([p.name for p in PARAMS]), url_values, max_size=6))
@settings(deadline=None, max_examples=60)
def test_every_url_note_renders(query):
    _, notes = ExperimentConfig.from_query_params(query)
    for note in notes:
        assert_renders(note)


def test_i18n_imports_nothing_of_the_package():
    """config.py imports i18n (for Note), so i18n must not import config (or the rest)."""
    tree = ast.parse((ROOT / "playground" / "i18n.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("playground")
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("playground") for a in node.names)


def test_render_uses_the_label_of_the_param_in_the_language():
    note = Note("note.rounded", {"param": "hidden_size", "value": "7.6", "rounded": "8"})
    assert render_note("en", note) == "Hidden size: rounded 7.6 to 8"
    assert render_note("zh", note) == "隐藏层大小：已将 7.6 取整为 8"
    unknown = Note("note.rounded", {"param": "lag", "value": "1.5", "rounded": "2"})
    assert render_note("en", unknown) == "lag: rounded 1.5 to 2"
