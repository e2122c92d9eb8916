"""Parse an uploaded CSV (raw bytes) into usable numeric columns, with named errors.

Pure: no page calls. `parse_csv` accepts UTF-8 (with or without BOM) or Latin-1 text,
comma, semicolon or tab delimiters, and a header row or none. Hostile files cost
little: only the first `max_rows` rows and `max_columns` columns are parsed (the rest
is dropped with a notice), so a million-row or a million-column file is read in well
under a second. A column is offered only when it has at least `min_points` finite
values; blank, non-numeric and infinite cells are dropped from it by `column_series`,
with a notice. Scaling to the training range is done later by `windows.Scaler`, so
values may be in any units up to ±MAX_ABS.

Errors are `UploadError`s with a stable `code` and format `params`, and notices are
i18n `Note`s, so the page shows both in the reader's language.
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.i18n import Note

MAX_BYTES = 10_000_000  # larger files are refused (keep .streamlit maxUploadSize above it)
MAX_ROWS = 5_000  # data rows kept (the first ones); the rest dropped with a notice
MAX_COLUMNS = 50  # columns kept (the first ones); the rest dropped with a notice
MIN_POINTS = 20  # fewest usable values a series needs to be windowed and split
MAX_ABS = 1e100  # larger magnitudes are dropped like infinities (their squares overflow)
SNIFF_LINES, SNIFF_CHARS = 20, 2_000  # what the delimiter is guessed from, per line
ENCODINGS = ("utf-8-sig", "latin-1")  # utf-8-sig also reads plain UTF-8
DELIMITERS = ",;\t"
# A date cell: year-month or year-month-day, separated by -, / or . (ISO and its kin).
DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\s*$")


class UploadError(ValueError):
    """A CSV the playground cannot use: `code` names the i18n string
    `upload.error.<code>`, `params` are its format fields, `message` is the English."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code  # stable key: empty, binary, too_large, header_only, ...
        self.message = message
        self.params = params


@dataclass(frozen=True)
class ParsedCSV:
    """The usable numeric columns of an uploaded table, in file order."""

    columns: dict[str, np.ndarray]  # name -> (n_rows,) float, NaN where a cell was not
    n_rows: int  # data rows kept
    notices: tuple[Note, ...] = ()  # what was changed, for the user
    digest: str = ""  # sha256 of the file's bytes (16 hex digits): the data's identity
    time: np.ndarray | None = None  # (n_rows,) decimal years of the first date column

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
    """A float from a cell ("1.5", "1,5" with a decimal comma), NaN if blank, or None."""
    text = cell.strip()
    if not text:
        return math.nan
    for candidate in (text, text.replace(",", ".")):
        try:
            return float(candidate)
        except ValueError:
            continue
    return None


def _delimiter(lines: list[str]) -> str:
    """The delimiter of `lines`, guessed from the first few (each cut short)."""
    sample = "\n".join(ln[:SNIFF_CHARS] for ln in lines[:SNIFF_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return max(DELIMITERS, key=lambda d: lines[0][:SNIFF_CHARS].count(d))


def _head(text: str, n: int) -> tuple[list[str], int]:
    """The first `n` non-blank lines of `text`, and how many non-blank lines it has."""
    lines = text.splitlines()
    head: list[str] = []
    for i, line in enumerate(lines):
        if line.strip():
            head.append(line)
            if len(head) == n:
                return head, n + sum(1 for rest in lines[i + 1 :] if rest.strip())
    return head, len(head)


def decimal_year(cell: str) -> float | None:
    """A date cell ("1949-01", "2024/3/15") as a decimal year (1949.0, 2024.205), or None."""
    match = DATE.match(cell)
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return year + (month - 1) / 12 + (day - 1) / 365.25


def date_column(body: list[list[str]], n_cols: int) -> np.ndarray | None:
    """Decimal years of the first column whose filled cells are all dates, increasing;
    None when there is none (rows are then counted from 0)."""
    for j in range(n_cols):
        cells = [r[j].strip() for r in body]
        years = [decimal_year(c) if c else math.nan for c in cells]
        filled = [y for y, c in zip(years, cells) if c]
        if len(filled) >= 2 and all(y is not None for y in filled):
            time = np.array(years, dtype=np.float64)
            finite = time[np.isfinite(time)]
            if np.all(np.diff(finite) > 0):
                return time
    return None


def parse_csv(
    data: bytes,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    min_points: int = MIN_POINTS,
) -> ParsedCSV:
    """The usable numeric columns of the CSV `data`. Raises UploadError (empty, binary,
    too_large, header_only, one_row, no_numeric, too_short) for a file that has none."""
    if not data or not data.strip():
        raise UploadError("empty", "The file is empty.")
    if len(data) > max_bytes:
        size, limit = len(data) / 1e6, max_bytes / 1e6
        raise UploadError(
            "too_large",
            f"The file is {size:.1f} MB; the limit is {limit:.1f} MB.",
            size=size,
            limit=limit,
        )
    lines, n_lines = _head(_decode(data), max_rows + 1)  # +1: a header row, if any
    delimiter = _delimiter(lines)
    notices: list[Note] = []
    width = 0
    for i, line in enumerate(lines):  # cut very wide rows before the csv module sees them
        cells = line.count(delimiter) + 1
        width = max(width, cells)
        if cells > max_columns:
            lines[i] = delimiter.join(line.split(delimiter, max_columns)[:max_columns])
    if width > max_columns:
        notices.append(Note("note.upload_columns_kept", {"kept": max_columns, "total": width}))
    rows = list(csv.reader(lines, delimiter=delimiter))
    n_cols = min(max(len(r) for r in rows), max_columns)
    rows = [(r + [""] * (n_cols - len(r)))[:n_cols] for r in rows]
    has_header = any(_number(c) is None for c in rows[0])
    header = (
        [c.strip() or f"column {i + 1}" for i, c in enumerate(rows[0])]
        if has_header
        else [f"column {i + 1}" for i in range(n_cols)]
    )
    body = rows[1:] if has_header else rows
    if not body:
        raise UploadError("header_only", "The file has a header but no data rows.")
    total_rows = n_lines - has_header
    if total_rows > max_rows:
        notices.append(Note("note.upload_kept", {"kept": max_rows, "total": total_rows}))
        body = body[:max_rows]
    if len(body) < 2:
        raise UploadError("one_row", "The file has only one data row; a series needs many.")
    columns: dict[str, np.ndarray] = {}
    short: dict[str, int] = {}  # numeric columns with too few usable values
    for j, name in enumerate(header):
        cells = [_number(r[j]) for r in body]
        if sum(c is None for c in cells) > len(cells) // 2:  # mostly text: not numeric
            continue
        name = name if name not in columns and name not in short else f"{name} ({j + 1})"
        values = np.array([math.nan if c is None or abs(c) > MAX_ABS else c for c in cells])
        usable = int(np.isfinite(values).sum())
        if usable == 0:  # blank (e.g. padding of short rows): not a column of data
            continue
        if usable < min_points:
            short[name] = usable
        else:
            columns[name] = values
    if not columns and not short:
        raise UploadError("no_numeric", "No column of numbers was found in the file.")
    if not columns:
        column, usable = max(short.items(), key=lambda kv: kv[1])
        raise UploadError(
            "too_short",
            f"Column {column!r} has {usable} usable values; at least {min_points} are needed.",
            column=column,
            min_points=min_points,
        )
    for column, usable in short.items():
        notices.append(
            Note("note.upload_column_short", {"column": column, "count": usable, "min": min_points})
        )
    digest = hashlib.sha256(data).hexdigest()[:16]
    return ParsedCSV(columns, len(body), tuple(notices), digest, date_column(body, n_cols))


def column_series(
    parsed: ParsedCSV, column: str, min_points: int = MIN_POINTS
) -> tuple[np.ndarray, np.ndarray, list[Note]]:
    """(t, y, notices) for `column`: t is the file's date column in decimal years when it
    has one (rows without a date are dropped), else counts rows from 0; blank,
    non-numeric, NaN, infinite and beyond-±MAX_ABS cells are dropped with a notice.
    Raises UploadError (unknown_column, too_short) when the column cannot be used."""
    if column not in parsed.columns:
        raise UploadError(
            "unknown_column", f"There is no numeric column named {column!r}.", column=column
        )
    values = parsed.columns[column]
    keep = np.isfinite(values)
    if parsed.time is not None:
        keep &= np.isfinite(parsed.time)
    notices = list(parsed.notices)
    dropped = int(np.sum(~keep))
    if dropped:
        notices.append(Note("note.upload_dropped", {"count": dropped, "column": column}))
    y = values[keep]
    if len(y) < min_points:
        raise UploadError(
            "too_short",
            f"Column {column!r} has {len(y)} usable values; at least {min_points} are needed.",
            column=column,
            min_points=min_points,
        )
    t = np.arange(len(y), dtype=np.float64) if parsed.time is None else parsed.time[keep]
    return t, y.astype(np.float64), notices
