"""Uploads on the page (AppTest, real package): a bad file after a good one keeps the good
one training; a million-row file trains on its first rows with a notice; removing the
file goes back to the signal; every message is in the reader's language."""

from __future__ import annotations

import numpy as np
import pytest

from pagekit import chart_data, chart_frames, run_app, uploader, widget
from playground.i18n import t
from playground.pipeline.upload import MAX_BYTES, MAX_ROWS, UploadError, parse_csv
from test_app_views import observed
from test_upload import HOSTILE


def upload(at, name: str, data: bytes | None):
    """Put `data` into the uploader as file `name` (None removes the file), and rerun."""
    uploader(at).set_value(None if data is None else (name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def ramp(n: int, step: float = 0.5) -> bytes:
    """A CSV with one column `level`: a sawtooth of n values."""
    return ("level\n" + "\n".join(f"{(i * step) % 7:.3f}" for i in range(n)) + "\n").encode()


def kept_note(at) -> list[str]:
    return [w.value for w in at.warning if "previous file" in w.value or "之前上传" in w.value]


PAGE_HOSTILE = HOSTILE | {"too_large": b"v\n" + b"1\n" * (MAX_BYTES // 2)}


def test_a_bad_file_keeps_the_previous_upload_training():
    at = upload(run_app(epochs="2"), "good.csv", ramp(60))
    good_chart, good_series = chart_data(at), observed(at)
    np.testing.assert_allclose(good_series, [(i * 0.5) % 7 for i in range(60)], atol=1e-3)
    assert any("good.csv" in c.value for c in at.sidebar.caption)

    for code, data in PAGE_HOSTILE.items():
        upload(at, "", None)  # a browser empties the uploader before a new file arrives
        assert chart_data(at) != good_chart  # no file: the built-in signal
        upload(at, f"{code}.csv", data)
        with pytest.raises(UploadError) as err:
            parse_csv(data)
        reason = t("en", f"upload.error.{code}", **err.value.params)
        assert [e.value for e in at.sidebar.error] == [f"Could not use this file: {reason}"]
        assert kept_note(at) == ["Still training on your previous file, good.csv."], code
        assert chart_data(at) == good_chart, code  # the same data, the same run
        assert at.selectbox(key="column").value == "level"

    upload(at, "other.csv", ramp(70, step=0.25))  # a good file again: no error, new data
    assert not at.sidebar.error and not kept_note(at)
    assert len(observed(at)) == 70 and chart_data(at) != good_chart

    upload(at, "", None)  # file removed: back to the built-in signal
    assert not any("other.csv" in c.value for c in at.sidebar.caption)
    assert chart_data(at) == chart_data(run_app(epochs="2"))


def test_a_bad_first_file_leaves_the_signal_and_says_why_in_chinese():
    at = upload(run_app(epochs="2", lang="zh"), "bin.csv", HOSTILE["binary"])
    assert [e.value for e in at.sidebar.error] == [
        "无法使用这个文件：这个文件看起来是二进制文件，而不是 CSV 文本文件。"
    ]
    assert not kept_note(at)  # nothing to keep: the signal trains
    assert chart_data(at) == chart_data(run_app(epochs="2", lang="zh"))


def test_a_million_rows_train_on_the_first_rows_with_notices():
    data = b"step,value\n" + b"".join(b"%d,%d\n" % (i, i % 97) for i in range(1_000_000))
    assert len(data) < MAX_BYTES
    at = upload(run_app(epochs="2"), "million.csv", data)
    at.selectbox(key="column").select("value").run()
    assert not at.exception and not at.sidebar.error
    warnings = [w.value for w in at.warning]
    assert f"Kept the first {MAX_ROWS} of 1000000 rows." in warnings
    assert f"Using the last 100 of {MAX_ROWS} values (Number of points)." in warnings
    # The chart shows rows 4900..4999 of the file: the most recent 100 of those kept.
    np.testing.assert_array_equal(observed(at), np.arange(MAX_ROWS - 100, MAX_ROWS) % 97)


def test_a_short_upload_lowers_the_window_with_a_note():
    at = upload(run_app(epochs="2", seq_length="30"), "short.csv", ramp(40))
    assert any("Sequence length" in w.value and "lowered to 20" in w.value for w in at.warning)
    assert len(observed(at)) == 40


def test_the_signals_own_settings_leave_an_upload_alone():
    """Noise and signal shape only the built-in signal: with a file in, moving them
    changes nothing drawn. (That they no longer split the run cache, so nothing is
    trained again, is `ExperimentConfig.for_series`'s test in test_config.py: the
    charts here would be equal after a retraining too, since training is deterministic.)"""
    plain = upload(run_app(epochs="2"), "good.csv", ramp(60))
    at = upload(run_app(epochs="2", noise="0.5", signal="square"), "good.csv", ramp(60))
    assert not at.exception
    assert chart_data(at) == chart_data(plain)
    assert at.query_params["noise"] == "0.5"  # the link still holds what was set
    # With a file in, they cannot be moved at all (disabled, the reason in their help).
    assert widget(at, "noise").disabled and widget(at, "signal").disabled


@pytest.mark.parametrize(
    "encoding, sep, decimal", [("latin-1", ";", ","), ("utf-8-sig", "\t", "."), ("utf-8", ",", ".")]
)
def test_odd_encodings_and_delimiters_train_on_the_file(encoding, sep, decimal):
    values = [round((i * 0.37) % 5, 2) for i in range(45)]
    text = f"año{sep}niveau°\n" + "\n".join(
        f"{i}{sep}{str(v).replace('.', decimal)}" for i, v in enumerate(values)
    )
    at = upload(run_app(epochs="2"), "odd.csv", text.encode(encoding))
    assert at.selectbox(key="column").options == ["año", "niveau°"]
    at.selectbox(key="column").select("niveau°").run()
    assert not at.exception and not at.sidebar.error
    np.testing.assert_allclose(observed(at), values)


def test_a_date_column_gives_the_time_axis():
    """An uploaded file's dates are the x axis (decimal years), not row numbers."""
    from test_upload import monthly

    at = upload(run_app(epochs="2"), "monthly.csv", monthly(40))
    assert not at.exception and not at.sidebar.error
    frames = [f for f in chart_frames(at)[0] if "series" in f.columns]
    truth = max(frames, key=len)
    truth = truth[truth.series == "truth"]
    assert truth.t.min() == 1949.0 and truth.t.max() == 1949 + 39 / 12
