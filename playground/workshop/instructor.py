"""Instructor options read from the URL: lock settings, hide text, language, preset.

A workshop link such as `?preset=overfitting&lock=model,epochs&hide=text&lang=zh`
opens one scenario for the whole room, with some controls fixed and the explanations
hidden (so the instructor can ask first). `parse_instructor_options` reads these keys
from the query parameters, never raising; anything it cannot use becomes a Note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from playground.config import PARAM_BY_NAME
from playground.i18n import Note, normalize_language
from playground.text.config import TextConfig
from playground.translate.config import TranslateConfig
from playground.workshop.presets import PRESETS

VIEW_SETTINGS = (TextConfig, TranslateConfig)  # the views with settings of their own

MAX_NOTES = 5  # at most this many "ignored" notes from one URL
SHOWN_CHARS = 24  # unknown values are shown cut to this length
FALSE_WORDS = frozenset({"0", "false", "no", "off", "hide", "none"})


@dataclass(frozen=True)
class InstructorOptions:
    """What the instructor's link asks of the page."""

    locked: frozenset[str] = frozenset()  # settings whose widgets are disabled: the
    # sidebar's by name ("epochs"), the Text view's by URL key ("text_epochs")
    hide_text: bool = False  # hide explanations and "what to notice" paragraphs
    lang: str | None = None  # "en" | "zh" forced by the link; None = the reader's choice
    preset: str | None = None  # key into presets.PRESETS
    notes: tuple[Note, ...] = ()  # what was ignored, as i18n Notes


def values_of(query: Mapping[str, Any], key: str) -> list[str]:
    """All values of `key` (a string or a list of them), split on commas, trimmed."""
    try:
        raw = query.get(key) if hasattr(query, "get") else None
    except Exception:  # an exotic Mapping; the link is then simply not read
        return []
    if raw is None:
        return []
    items: Iterable[Any] = raw if isinstance(raw, (list, tuple)) else [raw]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def shown(text: str) -> str:
    """`text` cut for display in a note."""
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def parse_instructor_options(query: Mapping[str, Any]) -> InstructorOptions:
    """Read `lock`, `hide`/`explain`, `lang` and `preset` from URL query parameters.

    - `lock=model,epochs` locks those parameters, `lock=text_epochs` the Text view's,
      `lock=translate_epochs` the Translate view's (their URL keys); `lock=all` locks
      every one; unknown names are ignored with a note.
    - `hide=text` or `explain=0` (also false/no/off) hides the explanations.
    - `lang=zh|en` (also zh-CN, EN, ...) forces the language.
    - `preset=<key>` opens a scenario of presets.PRESETS.
    Repeated keys (lists) are all read. Never raises.
    """
    notes: list[Note] = []
    locked: set[str] = set()
    lockable = set(PARAM_BY_NAME) | {
        view.URL_PREFIX + p.name for view in VIEW_SETTINGS for p in view.params()
    }
    for name in values_of(query, "lock"):
        key = name.lower()
        if key == "all":
            locked |= lockable
        elif key in lockable:
            locked.add(key)
        else:
            notes.append(Note("instructor.unknown_lock", {"name": shown(name)}))

    hide_text = False
    for value in values_of(query, "hide"):
        if value.lower() in ("text", "explain", "explanations"):
            hide_text = True
        else:
            notes.append(Note("instructor.unknown_hide", {"value": shown(value)}))
    if any(v.lower() in FALSE_WORDS for v in values_of(query, "explain")):
        hide_text = True

    lang = None
    lang_values = values_of(query, "lang")
    if lang_values:  # the last one wins, as for settings
        lang = normalize_language(lang_values[-1])
        if lang is None:
            notes.append(Note("instructor.unknown_lang", {"value": shown(lang_values[-1])}))

    preset = None
    preset_values = values_of(query, "preset")
    if preset_values:
        wanted = preset_values[-1].lower()
        if wanted in PRESETS:
            preset = wanted
        else:
            notes.append(Note("instructor.unknown_preset", {"value": shown(preset_values[-1])}))

    return InstructorOptions(
        locked=frozenset(locked),
        hide_text=hide_text,
        lang=lang,
        preset=preset,
        notes=tuple(notes[:MAX_NOTES]),
    )
