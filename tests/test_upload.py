"""CSV upload parsing: encodings, delimiters, hostile sizes, and named errors for bad files."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.i18n import LANGUAGES, Note, render_note, t
from playground import ExperimentConfig, run_experiment
from playground.charts import loss_chart, metrics_chart, predictions_chart
from playground.pipeline.upload import (
    decimal_year,
    MAX_ABS,
    MAX_COLUMNS,
    MAX_ROWS,
    UploadError,
    column_series,
    parse_csv,
)


def rows(n, sep=","):
    return "\n".join(f"{i}{sep}{np.sin(i / 3):.6f}" for i in range(n))


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_delimiters_and_encodings(sep, encoding):
    text = f"índex{sep}wert°\n" + rows(30, sep)
    parsed = parse_csv(text.encode(encoding))
    assert parsed.numeric_columns() == ["índex", "wert°"]
    t, y, notices = column_series(parsed, "wert°")
    np.testing.assert_allclose(y, np.round(np.sin(np.arange(30) / 3), 6))
    assert notices == [] and len(t) == 30


def test_no_header_gets_numbered_columns_and_text_columns_are_left_out():
    assert parse_csv(rows(25).encode()).numeric_columns() == ["column 1", "column 2"]
    text = "name,value\n" + "\n".join(f"row{i},{i}" for i in range(25))
    assert parse_csv(text.encode()).numeric_columns() == ["value"]


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"  \n \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"a,b\n", "header_only"),
        (b"a,b\n1,2\n", "one_row"),
        (b"a,b\nx,y\nz,w\n", "no_numeric"),
    ],
)
def test_bad_files_raise_named_errors(data, code):
    with pytest.raises(UploadError) as err:
        parse_csv(data)
    assert err.value.code == code and err.value.message


def test_too_large_is_refused_and_long_is_truncated_with_notice():
    with pytest.raises(UploadError) as err:
        parse_csv(b"v\n" + b"1\n" * 100, max_bytes=50)
    assert err.value.code == "too_large"
    parsed = parse_csv(("v\n" + rows(100)).encode(), max_rows=40)
    assert parsed.n_rows == 40
    assert parsed.notices == (Note("note.upload_kept", {"kept": 40, "total": 100}),)


def test_nan_inf_and_blank_cells_dropped_with_notice():
    text = "v\n" + "\n".join(["1", "nan", "", "inf", "-inf", "abc"] + [str(i) for i in range(30)])
    t, y, notices = column_series(parse_csv(text.encode()), "v")
    assert len(y) == 31 and np.all(np.isfinite(y)) and y[0] == 1
    # the blank line is no row at all
    assert notices == [Note("note.upload_dropped", {"count": 4, "column": "v"})]


def test_too_short_and_unknown_column():
    with pytest.raises(UploadError) as err:  # no column long enough: the file is refused
        parse_csv(("v\n" + "\n".join(map(str, range(5)))).encode())
    assert err.value.code == "too_short" and err.value.params["column"] == "v"
    parsed = parse_csv(("v\n" + "\n".join(map(str, range(30)))).encode())
    with pytest.raises(UploadError) as err:
        column_series(parsed, "v", min_points=31)
    assert err.value.code == "too_short"
    with pytest.raises(UploadError) as err:
        column_series(parsed, "w")
    assert err.value.code == "unknown_column"


def test_columns_too_short_to_train_are_left_out_with_notice():
    text = "a,b,blank\n" + "\n".join(f"{i},{i if i < 5 else ''}," for i in range(30))
    parsed = parse_csv(text.encode())
    assert parsed.numeric_columns() == ["a"]  # an empty column is no column: no notice
    assert parsed.notices == (
        Note("note.upload_column_short", {"column": "b", "count": 5, "min": 20}),
    )


def test_a_million_rows_keeps_the_first_rows_and_says_how_many_there_were():
    data = b"value\n" + b"".join(b"%d\n" % (i % 7) for i in range(1_000_000))
    parsed = parse_csv(data)
    assert parsed.n_rows == MAX_ROWS
    assert parsed.notices == (Note("note.upload_kept", {"kept": MAX_ROWS, "total": 1_000_000}),)
    _, y, _ = column_series(parsed, "value")
    np.testing.assert_array_equal(y, np.arange(MAX_ROWS) % 7)


def test_a_million_columns_keeps_the_first_columns_and_says_how_many_there_were():
    row = ",".join(["1"] * 1_000_000)
    data = "\n".join([row] + [",".join([str(i)] * 60) for i in range(25)]).encode()
    parsed = parse_csv(data)
    assert len(parsed.numeric_columns()) == MAX_COLUMNS
    assert Note("note.upload_columns_kept", {"kept": MAX_COLUMNS, "total": 1_000_000}) in (
        parsed.notices
    )
    assert parsed.n_rows == 26


def test_the_digest_names_the_bytes():
    a, b = (("v\n" + rows(30)).encode(), ("v\n" + rows(31)).encode())
    assert parse_csv(a).digest == parse_csv(a).digest != parse_csv(b).digest


HOSTILE = {
    "empty": b"",
    "binary": b"\x00\x01\x02",
    "too_large": b"v\n" + b"1\n" * 200,
    "header_only": b"a,b\n",
    "one_row": b"a,b\n1,2\n",
    "no_numeric": b"a\nx\ny\n",
    "too_short": b"a\n1\n2\n3\n",
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code, data", HOSTILE.items())
def test_every_error_reads_in_every_language(code, data, lang):
    with pytest.raises(UploadError) as err:
        parse_csv(data, max_bytes=300)
    assert err.value.code == code
    key = f"upload.error.{code}"
    shown = t(lang, key, **err.value.params)
    assert shown and shown != key and "{" not in shown
    if code == "too_short":
        assert "a" in shown and "20" in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_notice_reads_in_every_language(lang):
    text = "a,b,c\n" + "\n".join(
        f"{i},{i if i < 3 else ''},{'x' if i == 4 else i}" for i in range(60)
    )
    parsed = parse_csv(text.encode(), max_rows=50, max_columns=2)
    _, _, notices = column_series(parsed, "a")
    assert {n.key for n in notices} == {
        "note.upload_kept",
        "note.upload_columns_kept",
        "note.upload_column_short",
    }
    _, _, notices = column_series(parse_csv(text.encode()), "c")
    assert [n.key for n in notices][-1] == "note.upload_dropped"
    for note in notices:
        shown = render_note(lang, note)
        assert shown != note.key and "{" not in shown


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=20, max_size=60),
    st.sampled_from([",", ";", "\t"]),
)
def test_round_trip_of_any_finite_column(values, sep):
    text = f"x{sep}y\n" + "\n".join(f"{i}{sep}{v!r}" for i, v in enumerate(values))
    _, y, _ = column_series(parse_csv(text.encode()), "y")
    np.testing.assert_array_equal(y, np.array(values))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([1e308, -1e308, 1e-320, 0.0, 1e101, 1e100]),
        ),
        min_size=20,
        max_size=50,
    )
)
def test_any_numbers_in_a_column_train_and_chart_without_error(values):
    """Whatever numbers a file holds, the run and its charts never raise: values beyond
    ±MAX_ABS are dropped like infinities, and what is left trains (or is too short)."""
    text = "v\n" + "\n".join(repr(v) for v in values)
    try:
        t_, y, _ = column_series(parse_csv(text.encode()), "v")
    except UploadError as err:
        assert err.code == "too_short"
        return
    assert np.all(np.abs(y) <= MAX_ABS)
    cfg = ExperimentConfig(epochs=2, hidden_size=2, seq_length=5, n_points=40)
    result = run_experiment(cfg, series=(t_, y))
    for chart in (predictions_chart(result.predictions), loss_chart(result.losses)):
        chart.to_dict()  # the Train tab's charts build
    metrics_chart(result.metrics).to_dict()
    assert result.diverged or np.isfinite(result.metrics[["mse", "mae"]].to_numpy()).all()


def monthly(n: int, start: int = 1949) -> bytes:
    """A CSV of `n` months from January of `start`: a date column and a value column."""
    rows = (f"{start + i // 12}-{i % 12 + 1:02d},{100 + 3 * i}" for i in range(n))
    return ("month,passengers\n" + "\n".join(rows)).encode()


def test_a_date_column_is_the_time_axis_in_decimal_years():
    parsed = parse_csv(monthly(40))
    assert parsed.numeric_columns() == ["passengers"]  # the dates are not a series
    t, y, notes = column_series(parsed, "passengers")
    assert t[0] == 1949.0 and t[12] == 1950.0 and t[1] == pytest.approx(1949 + 1 / 12)
    assert np.all(np.diff(t) > 0) and len(t) == len(y) == 40 and notes == []


@pytest.mark.parametrize(
    ("cell", "year"),
    [
        ("1949-01", 1949.0),
        ("2024/03/01", 2024 + 2 / 12),
        ("2024.7.16", 2024 + 6 / 12 + 15 / 365.25),
    ],
)
def test_date_cells(cell, year):
    assert decimal_year(cell) == pytest.approx(year)


@pytest.mark.parametrize("cell", ["1949", "49-01-01", "2024-13", "2024-02-40", "soon", ""])
def test_not_date_cells(cell):
    assert decimal_year(cell) is None


def test_rows_without_a_date_are_dropped_and_no_date_column_counts_rows():
    text = monthly(30).decode().replace("1949-03,", ",")  # one row loses its date
    t, y, _ = column_series(parse_csv(text.encode()), "passengers")
    assert len(t) == len(y) == 29 and 1949 + 2 / 12 not in t
    t, _, _ = column_series(parse_csv(("v\n" + "\n".join(map(str, range(30)))).encode()), "v")
    assert list(t[:3]) == [0.0, 1.0, 2.0]
    shuffled = monthly(30).decode().splitlines()
    shuffled[1], shuffled[2] = shuffled[2], shuffled[1]  # dates out of order: not a time axis
    assert parse_csv("\n".join(shuffled).encode()).time is None
