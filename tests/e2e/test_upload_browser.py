"""Hostile uploads through the browser: a bad file after a good one, a million rows, and
a file over the server's upload limit. The page must keep drawing its previous data,
say what happened, and never show an exception or log a browser error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from test_browser import ARTIFACTS, SETTLE_TIMEOUT_MS, assert_healthy, selectbox_value, settle
from test_isolation import EN, EPOCHS, SETTINGS, assert_draws, notes, upload, write_csv

pytestmark = pytest.mark.e2e

ERRORS = '[data-testid="stSidebar"] [data-testid="stAlertContainer"]'
MAX_ROWS = 5_000  # playground.pipeline.upload.MAX_ROWS: rows kept of a longer file
N_POINTS = 300  # SETTINGS' n_points: the most recent values used


def put_file(page, path: Path) -> None:
    """Put `path` into the (already opened) uploader without waiting for a run."""
    page.locator('.st-key-upload input[type="file"]').set_input_files(path)


def test_bad_then_huge_then_oversized_files_keep_the_page_on_good_data(app_url, page, tmp_path):
    page.goto(f"{app_url}/{SETTINGS}")
    settle(page)
    good = np.arange(N_POINTS) % 30 / 30.0
    drawn = upload(page, write_csv(tmp_path / "good.csv", good))
    assert_draws(page, good, EPOCHS)

    # A binary file: an error in the sidebar, a note, and the same charts as before.
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    put_file(page, binary)
    page.locator(ERRORS).first.wait_for(timeout=SETTLE_TIMEOUT_MS)
    assert settle(page) == drawn
    reason = EN["upload.error.binary"]
    assert (
        page.locator(ERRORS).all_inner_texts()[0].endswith(EN["upload.error"].format(error=reason))
    )
    assert EN["upload.kept_previous"].format(name="good.csv") in notes(page)
    assert_draws(page, good, EPOCHS)

    # A million rows (2.9 MB): the first 5,000 rows are kept, the last 300 of them drawn.
    rows = np.arange(1_000_000) % 97
    huge = tmp_path / "million.csv"
    huge.write_bytes(b"value\n" + b"".join(b"%d\n" % v for v in rows))
    put_file(page, huge)
    kept = EN["note.upload_kept"].format(kept=MAX_ROWS, total=1_000_000)
    page.get_by_text(kept).wait_for(timeout=SETTLE_TIMEOUT_MS)
    settle(page)
    assert_draws(page, rows[MAX_ROWS - N_POINTS : MAX_ROWS].astype(float), EPOCHS)
    assert page.locator(ERRORS).count() == 0
    million = settle(page)

    # Over the server's 10 MiB limit: the uploader refuses it in the browser; the page
    # goes on drawing the million-row file's run.
    oversized = tmp_path / "oversized.csv"
    oversized.write_bytes(b"value\n" + b"1\n" * 5_500_000)
    put_file(page, oversized)
    page.get_by_text("oversized.csv").wait_for(timeout=SETTLE_TIMEOUT_MS)
    refusal = page.locator(".st-key-upload").get_by_text("or smaller")  # "File must be 10.0MB…"
    assert refusal.count() == 1 and "10" in refusal.inner_text()
    assert settle(page) == million
    assert selectbox_value(page, "column") == "value"
    assert_healthy(page)
    page.screenshot(path=ARTIFACTS / "upload-oversized.png")
