"""Languages: English and Simplified Chinese strings, looked up by key.

Every user-visible string lives in `locales/<lang>.json` (or, for a view of its own, in
`locales/<lang>.<area>.json`: `en.text.json`; a key stands in one file only) under a dotted key
(`app.title`, `param.noise.label`, `note.clamped`, ...). Strings may carry
`str.format` fields (`{epoch}`, `{train:.4f}`); both languages of a key have the same
fields (a test checks). `t(lang, key, **params)` formats one; a key missing in a
language falls back to English, a key missing everywhere shows the key itself.

Messages made in the package (config.py's URL and clamp notes, upload, preset and
challenge notes) travel as a `Note(key, params)` and are rendered by the page with
`render_note(lang, note)`. This module imports nothing of the package (config.py imports it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}  # key -> name in itself
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locales"


@dataclass(frozen=True)
class Note:
    """A message to show, not yet in any language: an i18n key and its format fields.

    A field named `param` holding a parameter name is shown as that parameter's label
    in the reader's language (the page never shows raw field names).
    """

    key: str  # i18n key, e.g. "note.clamped"
    params: Mapping[str, Any] = field(default_factory=dict)  # format fields of the string


@cache
def strings(lang: str) -> dict[str, str]:
    """All strings of `lang` (key -> format string); empty for an unknown language."""
    if lang not in LANGUAGES:
        return {}
    merged: dict[str, str] = {}
    for path in [LOCALE_DIR / f"{lang}.json", *sorted(LOCALE_DIR.glob(f"{lang}.*.json"))]:
        part = json.loads(path.read_text(encoding="utf-8"))
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"{path.name} repeats keys of another locale file: {sorted(twice)}")
        merged.update(part)
    return merged


def t(lang: str, key: str, **params: Any) -> str:
    """The string `key` in `lang`, formatted with `params`.

    Falls back to English when `lang` lacks the key (or its formatting fails), and to
    the key itself when English lacks it too: a page never breaks on a missing string.
    """
    for source in (strings(lang), strings(DEFAULT_LANGUAGE)):
        if key in source:
            try:
                return source[key].format(**params)
            except (KeyError, IndexError, ValueError, TypeError):
                continue
    return key


def render_note(lang: str, note: Note) -> str:
    """A Note in `lang`; a `param` field becomes that parameter's label."""
    params = dict(note.params)
    if "param" in params:
        key = f"param.{params['param']}.label"
        label = t(lang, key)
        params["label"] = params["param"] if label == key else label
    return t(lang, note.key, **params)


def detect_language(accept_language_header: str | None) -> str:
    """ "zh" when the browser's Accept-Language prefers Chinese to English, else "en".

    Reads `zh`, `zh-CN`, `zh-Hans`, `zh-TW`, ... as Chinese (Simplified is the only
    Chinese we have); honours q-values (`q=0` means "not this one"); never raises.
    """
    best_lang, best_q = DEFAULT_LANGUAGE, -1.0
    for item in str(accept_language_header or "").split(","):
        tag, _, rest = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0].split("_")[0]
        if primary not in LANGUAGES:
            continue
        q = _quality(rest)
        if q > 0 and q > best_q:  # ties keep the earlier (preferred) entry
            best_lang, best_q = primary, q
    return best_lang


def _quality(params: str) -> float:
    """The q-value in `;q=0.8`-style parameters (1.0 when absent or unreadable)."""
    match = re.search(r"q\s*=\s*([0-9.]+)", params)
    if not match:
        return 1.0
    try:
        q = float(match.group(1))
    except ValueError:
        return 1.0
    return min(max(q, 0.0), 1.0)


def normalize_language(value: Any) -> str | None:
    """A supported language key for a URL/user value (`"ZH-cn"` -> "zh"), else None."""
    text = str(value or "").strip().lower().replace("_", "-").split("-")[0]
    return text if text in LANGUAGES else None
