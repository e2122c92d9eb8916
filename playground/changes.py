"""What changed between two runs, in the reader's language: the label of the faint
"before" line the Train tab keeps of the previous run ("Hidden size 32 → 64").

Pure: two configs (and the data each trained on) in, words out. The settings are read
from the one parameter table (`config.PARAMS`, in its order); a setting's name is its
locale label (`param.<name>.label`), a choice its locale label (`choice.<name>.<value>`),
a number as the controls show it (`:g`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from playground.config import PARAMS, ExperimentConfig
from playground.i18n import t

MAX_SHOWN = 3  # changes named in a label; more are counted ("+2 more")


def changed(before: ExperimentConfig, after: ExperimentConfig) -> list[str]:
    """The names of the settings that differ, in the parameter table's order."""
    return [p.name for p in PARAMS if getattr(before, p.name) != getattr(after, p.name)]


def shown_value(lang: str, name: str, value: Any) -> str:
    """A setting's value as the reader sees it: a choice by its label, a number `:g`."""
    if isinstance(value, str):
        return t(lang, f"choice.{name}.{value}")
    return f"{value:g}"


def change_text(lang: str, name: str, before: Any, after: Any) -> str:
    """One change: "Hidden size 32 → 64"."""
    return t(
        lang,
        "before_after.change",
        label=t(lang, f"param.{name}.label"),
        before=shown_value(lang, name, before),
        after=shown_value(lang, name, after),
    )


def change_label(
    lang: str, before: ExperimentConfig, after: ExperimentConfig, most: int = MAX_SHOWN
) -> str:
    """Every setting that differs from `before` to `after` ("Hidden size 32 → 64;
    Model type RNN → LSTM"): at most `most` named and the rest counted ("+2 more"; one
    more is named rather than counted); "" when nothing differs."""
    names = changed(before, after)
    named = names if len(names) <= most + 1 else names[:most]
    parts = [change_text(lang, n, getattr(before, n), getattr(after, n)) for n in named]
    if len(named) < len(names):
        parts.append(t(lang, "before_after.more", n=len(names) - len(named)))
    return t(lang, "before_after.join").join(parts)


def comparable(
    before: ExperimentConfig, before_data: Hashable, after: ExperimentConfig, after_data: Hashable
) -> bool:
    """Whether the previous run's prediction means something drawn over this run's
    series: both trained on the same series (the same built-in signal, or the same
    uploaded file and column), and something about the run changed. Another signal or
    another file is another series: its prediction over this one's points would only
    mislead. Noise, seed, points and the split keep the series and its time axis."""
    return before_data == after_data and before.signal == after.signal and before != after
