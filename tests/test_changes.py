"""playground/changes.py: the label of the faint "before" line says what changed."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from playground.changes import MAX_SHOWN, change_label, changed, comparable, shown_value
from playground.config import PARAMS, ExperimentConfig
from playground.i18n import LANGUAGES, t


def value_of(p):
    """A strategy of values of parameter `p` within its bounds (the widget's own)."""
    if p.choices:
        return st.sampled_from(p.choices)
    if p.steps:
        return st.sampled_from(p.steps)
    if p.kind is int:
        return st.integers(p.low, p.high)
    return st.integers(0, round((p.high - p.low) / p.step)).map(
        lambda k, p=p: round(p.low + k * p.step, 6)
    )


configs = st.fixed_dictionaries({p.name: value_of(p) for p in PARAMS}).map(
    lambda values: ExperimentConfig.from_values(values)[0]
)
langs = st.sampled_from(tuple(LANGUAGES))


def test_the_issues_example_in_both_languages():
    before = ExperimentConfig()
    after = replace(before, hidden_size=64)
    assert change_label("en", before, after) == "Hidden size 32 → 64"
    assert change_label("zh", before, after) == "隐藏层大小 32 → 64"


def test_choices_by_their_labels_and_several_changes_joined():
    before = ExperimentConfig()
    after = replace(before, hidden_size=64, model="lstm", learning_rate=0.003)
    assert change_label("en", before, after) == (
        "Hidden size 32 → 64; Model type RNN → LSTM; Learning rate 0.01 → 0.003"
    )
    assert change_label("zh", before, after).count("；") == 2


def test_past_the_most_named_the_rest_are_counted():
    before = ExperimentConfig()
    after = replace(before, noise=0.2, hidden_size=8, epochs=50, model="gru", seed=3)
    assert change_label("en", before, after).endswith("; +2 more")
    assert "Seed" not in change_label("en", before, after)
    one_more = replace(after, seed=0)  # four changes: the fourth is named, not counted
    assert change_label("en", before, one_more).endswith("; Model type RNN → GRU")


@given(configs, langs)
def test_nothing_changed_says_nothing(cfg, lang):
    assert change_label(lang, cfg, cfg) == ""
    assert changed(cfg, cfg) == []


@given(configs, configs, langs)
def test_every_change_is_named_with_both_values_until_the_most(before, after, lang):
    names = changed(before, after)
    assert names == changed(after, before)  # which settings differ has no direction
    label = change_label(lang, before, after)
    sep = t(lang, "before_after.join")
    parts = label.split(sep) if label else []
    named = names if len(names) <= MAX_SHOWN + 1 else names[:MAX_SHOWN]
    counted = len(names) - len(named)
    assert len(parts) == len(named) + (counted > 0)
    if counted:
        assert parts[-1] == t(lang, "before_after.more", n=counted) and counted >= 2
    for name, part in zip(named, parts):
        assert part.startswith(t(lang, f"param.{name}.label") + " ")
        was, now = (shown_value(lang, name, getattr(c, name)) for c in (before, after))
        assert part.endswith(f"{was} → {now}")
        assert was != now  # a change never reads "32 → 32"


@given(configs, langs)
def test_values_read_as_on_the_controls(cfg, lang):
    for p in PARAMS:
        shown = shown_value(lang, p.name, getattr(cfg, p.name))
        assert shown and "{" not in shown and "choice." not in shown  # a label, not a key
        if not p.choices:
            assert float(shown) == getattr(cfg, p.name)


@given(configs, configs)
def test_only_runs_on_the_same_series_compare(before, after):
    upload = ("upload", "digest", "level", 60)
    same_series = before.signal == after.signal and before != after
    assert comparable(before, (), after, ()) == same_series
    assert comparable(before, upload, after, upload) == same_series
    assert not comparable(before, (), after, upload)  # the built-in signal vs a file
    assert not comparable(before, upload, after, ())
    assert not comparable(before, upload, after, ("upload", "other", "level", 60))
