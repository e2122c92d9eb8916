"""The learner's own text: decoded, checked and trimmed before it trains.

`read_text(raw)` takes the bytes of an upload or the string of a text box and returns
(text, notes), or raises `TextRejected` whose `.note` says why in the reader's language
(an `i18n.Note`): undecodable as UTF-8, binary (NUL bytes or mostly control characters),
empty, a single repeated character, or too short to split into train and test. Line
ends become "\\n", a byte-order mark is dropped; past MAX_TEXT_CHARS characters the rest
is cut, with a note.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from playground.i18n import Note
from playground.text.charnet import MAX_VOCAB  # most characters a model reads

MAX_TEXT_CHARS = 200_000  # characters of a learner's text used; the rest is cut, with a note
MIN_TEXT_CHARS = 200  # fewer leave nothing to test on
BINARY_CONTROL_SHARE = 0.1  # more control characters than this share: not text
ALLOWED_CONTROLS = frozenset("\n\t")


class TextRejected(ValueError):
    """A text that cannot train; `.note` says why (key `text.note.*`)."""

    def __init__(self, note: Note) -> None:
        super().__init__(note.key)
        self.note = note


def read_text(raw: bytes | str) -> tuple[str, list[Note]]:
    """The usable text of `raw` and notes on what changed; raises TextRejected."""
    if isinstance(raw, bytes):
        if b"\x00" in raw[:65536]:
            raise TextRejected(Note("text.note.binary"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise TextRejected(Note("text.note.undecodable", {"at": err.start})) from None
    elif isinstance(raw, str):
        text = raw
    else:
        raise TypeError(f"text must be bytes or str, not {type(raw).__name__}")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise TextRejected(Note("text.note.binary"))
    if not text.strip():
        raise TextRejected(Note("text.note.empty"))
    notes: list[Note] = []
    if len(text) > MAX_TEXT_CHARS:
        notes.append(Note("text.note.cut", {"chars": len(text), "kept": MAX_TEXT_CHARS}))
        text = text[:MAX_TEXT_CHARS]
    counts = Counter(text)
    controls = sum(
        n
        for c, n in counts.items()
        if c not in ALLOWED_CONTROLS and unicodedata.category(c) == "Cc"
    )
    if controls > BINARY_CONTROL_SHARE * len(text):
        raise TextRejected(Note("text.note.binary"))
    if len(counts) > MAX_VOCAB:
        rare = sum(n for _, n in counts.most_common()[MAX_VOCAB - 1 :])
        notes.append(Note("text.note.rare_chars", {"distinct": len(counts), "rare": rare}))
    if len(counts) < 2:
        raise TextRejected(Note("text.note.one_char"))
    if len(text) < MIN_TEXT_CHARS:
        raise TextRejected(
            Note("text.note.too_short", {"chars": len(text), "least": MIN_TEXT_CHARS})
        )
    return text, notes
