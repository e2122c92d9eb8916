"""Names people type on a board, cleaned once on the way in.

A name is shown on a projector and stored in a database: it is normalised (NFC), every
control or format character (newlines, bidi overrides, zero-width characters) removed,
runs of white space made one space, trimmed, and cut to MAX_NAME characters. It is
always shown as text, never as HTML or Markdown.
"""

from __future__ import annotations

import unicodedata

from playground.board.errors import BadName

MAX_NAME = 40  # characters of a participant's name
MAX_TITLE = 80  # characters of a board's title
DROPPED = frozenset(
    {"Cc", "Cf", "Cs", "Co", "Cn"}
)  # control, format, surrogate, private, unassigned


def clean_text(text: object, limit: int) -> str:
    """`text` normalised, without control or format characters, its white space made
    single spaces, trimmed and cut to `limit` characters ("" when nothing is left)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if c.isspace() else c
        for c in text
        if c.isspace() or unicodedata.category(c) not in DROPPED
    )
    return " ".join(kept.split())[:limit].strip()


def clean_name(text: object) -> str:
    """A participant's name, cleaned (`clean_text`, MAX_NAME). Raises BadName when
    nothing printable is left."""
    name = clean_text(text, MAX_NAME)
    if not name:
        raise BadName()
    return name


def clean_title(text: object) -> str:
    """A board's title, cleaned (`clean_text`, MAX_TITLE). Raises BadName when empty."""
    title = clean_text(text, MAX_TITLE)
    if not title:
        raise BadName()
    return title
