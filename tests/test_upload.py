"""CSV upload parsing: encodings, delimiters, and named errors for bad files."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.upload import UploadError, column_series, parse_csv


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
    assert parsed.n_rows == 40 and "40 of 100" in parsed.notices[0]


def test_nan_inf_and_blank_cells_dropped_with_notice():
    text = "v\n" + "\n".join(["1", "nan", "", "inf", "-inf", "abc"] + [str(i) for i in range(30)])
    t, y, notices = column_series(parse_csv(text.encode()), "v")
    assert len(y) == 31 and np.all(np.isfinite(y)) and y[0] == 1
    assert "Dropped 4" in notices[0]  # the blank line is no row at all


def test_too_short_and_unknown_column():
    parsed = parse_csv(("v\n" + "\n".join(map(str, range(5)))).encode())
    with pytest.raises(UploadError) as err:
        column_series(parsed, "v")
    assert err.value.code == "too_short"
    with pytest.raises(UploadError) as err:
        column_series(parsed, "w")
    assert err.value.code == "unknown_column"


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=20, max_size=60),
    st.sampled_from([",", ";", "\t"]),
)
def test_round_trip_of_any_finite_column(values, sep):
    text = f"x{sep}y\n" + "\n".join(f"{i}{sep}{v!r}" for i, v in enumerate(values))
    _, y, _ = column_series(parse_csv(text.encode()), "y")
    np.testing.assert_array_equal(y, np.array(values))
