"""Parse an uploaded CSV (raw bytes) into numeric columns, with named, user-facing errors.

Pure: no page calls. `parse_csv` accepts UTF-8 (with or without BOM) or Latin-1 text,
comma, semicolon or tab delimiters, and a header row or none. Rows beyond `max_rows`
are dropped with a notice; non-finite or blank cells in the chosen column are dropped
with a notice by `column_series`. Scaling to the training range is done later by
`windows.Scaler`, so values may be in any units.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field

import numpy as np

MAX_BYTES = 2_000_000  # larger files are refused
MAX_ROWS = 5_000  # rows kept (the first ones); the rest dropped with a notice
MIN_POINTS = 20  # fewest usable values a series needs to be windowed and split
ENCODINGS = ("utf-8-sig", "latin-1")  # utf-8-sig also reads plain UTF-8


class UploadError(ValueError):
    """A CSV the playground cannot use. `message` is meant for the user as is."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # stable key: empty, binary, too_large, header_only, ...
        self.message = message


@dataclass(frozen=True)
class ParsedCSV:
    """Numeric columns of an uploaded table, in file order."""

    columns: dict[str, np.ndarray]  # name -> (n_rows,) float, NaN where a cell was not
    n_rows: int  # data rows kept
    notices: list[str] = field(default_factory=list)  # what was changed, for the user

    def numeric_columns(self) -> list[str]:
        """Names of the columns a user can pick, in file order."""
        return list(self.columns)


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UploadError("binary", "This file looks binary, not a CSV text file.")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("encoding", "Could not read the file's text encoding.")  # unreachable


def _number(cell: str) -> float | None:
    """A float from a cell ("1.5", "1,5" with a decimal comma), or None."""
    text = cell.strip()
    if not text:
        return math.nan
    for candidate in (text, text.replace(",", ".")):
        try:
            return float(candidate)
        except ValueError:
            continue
    return None


def parse_csv(data: bytes, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> ParsedCSV:
    """Numeric columns of the CSV `data`. Raises UploadError (empty, binary, too_large,
    header_only, one_row, no_numeric) with a message for the user."""
    if not data or not data.strip():
        raise UploadError("empty", "The file is empty.")
    if len(data) > max_bytes:
        raise UploadError(
            "too_large",
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.",
        )
    text = _decode(data)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = max(",;\t", key=lambda d: lines[0].count(d))
    rows = list(csv.reader(lines, delimiter=delimiter))
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    has_header = any(_number(c) is None for c in rows[0])
    header = (
        [c.strip() or f"column {i + 1}" for i, c in enumerate(rows[0])]
        if has_header
        else [f"column {i + 1}" for i in range(width)]
    )
    body = rows[1:] if has_header else rows
    if not body:
        raise UploadError("header_only", "The file has a header but no data rows.")
    notices = []
    if len(body) > max_rows:
        notices.append(f"Kept the first {max_rows} of {len(body)} rows.")
        body = body[:max_rows]
    if len(body) < 2:
        raise UploadError("one_row", "The file has only one data row; a series needs many.")
    columns: dict[str, np.ndarray] = {}
    for j, name in enumerate(header):
        cells = [_number(r[j]) for r in body]
        if sum(c is None for c in cells) > len(cells) // 2:  # mostly text: not numeric
            continue
        name = name if name not in columns else f"{name} ({j + 1})"
        columns[name] = np.array([math.nan if c is None else c for c in cells])
    if not columns:
        raise UploadError("no_numeric", "No column of numbers was found in the file.")
    return ParsedCSV(columns, len(body), notices)


def column_series(
    parsed: ParsedCSV, column: str, min_points: int = MIN_POINTS
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(t, y, notices) for `column`: t counts rows from 0; blank, non-numeric, NaN and
    infinite cells are dropped with a notice. Raises UploadError (unknown_column,
    too_short) when the column cannot be used."""
    if column not in parsed.columns:
        raise UploadError("unknown_column", f"There is no numeric column named {column!r}.")
    values = parsed.columns[column]
    keep = np.isfinite(values)
    notices = list(parsed.notices)
    dropped = int(np.sum(~keep))
    if dropped:
        notices.append(
            f"Dropped {dropped} empty, non-numeric or infinite value(s) from {column!r}."
        )
    y = values[keep]
    if len(y) < min_points:
        raise UploadError(
            "too_short",
            f"Column {column!r} has {len(y)} usable values; at least {min_points} are needed.",
        )
    return np.arange(len(y), dtype=np.float64), y.astype(np.float64), notices
