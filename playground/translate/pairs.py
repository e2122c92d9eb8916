"""The learner's own sentence pairs: pasted text or an uploaded UTF-8 tab-separated
file, one pair a line (source<TAB>target; further columns ignored: the format of
Tatoeba / Anki sentence-pair files).

`read_pairs(raw)` returns (pairs, notes) or raises `PairsRejected`, whose `.note` says
why in the reader's language (an `i18n.Note`, keys `translate.note.*`): too big, binary,
not UTF-8 (a Latin-1 file, say), empty, no tab on any line, every line too long, or too
few pairs to hold some out. Lines that cannot be a pair (one column, an empty side, a side
longer than MAX_SIDE_CHARS) are skipped with a note; past MAX_PAIRS pairs the rest are
cut, with a note. It never raises anything else for bytes or str.
"""

from __future__ import annotations

import unicodedata

from playground.i18n import Note

MAX_BYTES = 2_000_000  # largest upload or paste (UTF-8 bytes)
MAX_PAIRS = 20_000  # pairs kept; the rest are cut, with a note
MAX_SIDE_CHARS = 100  # longest source or target kept (a longer line is skipped)
MIN_PAIRS = 20  # fewer leave too little to train on and hold out
BINARY_CONTROL_SHARE = 0.1  # more control characters than this share: not text
ALLOWED_CONTROLS = frozenset("\n\t")


class PairsRejected(ValueError):
    """Pairs that cannot train; `.note` says why (key `translate.note.*`)."""

    def __init__(self, note: Note) -> None:
        super().__init__(note.key)
        self.note = note


def decode_text(raw: bytes | str) -> str:
    """`raw` as text with "\\n" line ends and no byte-order mark; raises PairsRejected
    (too big, binary, not UTF-8, empty)."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        mb = {"size_mb": round(size / 1e6, 1), "most_mb": MAX_BYTES / 1e6}
        raise PairsRejected(Note("translate.note.too_big", mb))
    if isinstance(raw, bytes):
        if b"\x00" in raw:
            raise PairsRejected(Note("translate.note.binary"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise PairsRejected(Note("translate.note.not_utf8", {"at": err.start})) from None
    elif isinstance(raw, str):
        text = raw
    else:
        raise TypeError(f"pairs must be bytes or str, not {type(raw).__name__}")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PairsRejected(Note("translate.note.empty"))
    controls = sum(1 for c in text if c not in ALLOWED_CONTROLS and unicodedata.category(c) == "Cc")
    if "\x00" in text or controls > BINARY_CONTROL_SHARE * len(text):
        raise PairsRejected(Note("translate.note.binary"))
    return text


def read_pairs(raw: bytes | str) -> tuple[list[tuple[str, str]], list[Note]]:
    """The usable (source, target) pairs of `raw`, in file order, and notes on what was
    skipped or cut; raises PairsRejected."""
    text = decode_text(raw)
    pairs: list[tuple[str, str]] = []
    one_column = empty_side = too_long = total = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            one_column += 1
            continue
        source, target = cells[0].strip(), cells[1].strip()
        if not source or not target:
            empty_side += 1
        elif len(source) > MAX_SIDE_CHARS or len(target) > MAX_SIDE_CHARS:
            too_long += 1
        else:
            total += 1
            if len(pairs) < MAX_PAIRS:
                pairs.append((source, target))
    if not pairs:
        if too_long:
            raise PairsRejected(Note("translate.note.lines_too_long", {"most": MAX_SIDE_CHARS}))
        raise PairsRejected(Note("translate.note.one_column"))
    if len(pairs) < MIN_PAIRS:
        raise PairsRejected(
            Note("translate.note.too_few", {"pairs": len(pairs), "least": MIN_PAIRS})
        )
    notes = []
    if one_column or empty_side:
        notes.append(Note("translate.note.skipped", {"lines": one_column + empty_side}))
    if too_long:
        long = {"lines": too_long, "most": MAX_SIDE_CHARS}
        notes.append(Note("translate.note.long_skipped", long))
    if total > MAX_PAIRS:
        notes.append(Note("translate.note.cut", {"pairs": total, "kept": MAX_PAIRS}))
    return pairs, notes
