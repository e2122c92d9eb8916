"""The class board in real browsers: one browser submits its run on a board link, and a
second browser showing the board sees the entry appear, without a reload, within 5 s.

Uses the shared server of conftest.py; the test makes its board in the database that
server uses (`PLAYGROUND_BOARD_URL`, else the SQLite file under the repo's data folder)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from playground.board import open_board
from playground.i18n import t

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
LOAD_TIMEOUT_MS = 120_000  # a cold server's first page and training on a busy box
SEEN_WITHIN_S = 5.0


def server_board_url() -> str:
    """The board database of the shared server (started from the repo root with this
    process's environment): what `default_url()` says there."""
    url = os.environ.get("PLAYGROUND_BOARD_URL", "").strip()
    if url:
        return url
    folder = REPO_ROOT / os.environ.get("PLAYGROUND_DATA_DIR", "data")
    return f"sqlite:///{folder / 'board.db'}"


def test_a_submission_appears_on_another_browsers_board_within_5_s(app_url, new_page):
    store = open_board(server_board_url())
    code = store.create("Browser test").code
    board = new_page()
    board.goto(f"{app_url}/?view=board&board={code}")
    board.get_by_text(t("en", "board.empty")).wait_for(timeout=LOAD_TIMEOUT_MS)

    student = new_page()
    student.goto(f"{app_url}/?board={code}&epochs=3")
    field = student.get_by_label(t("en", "board.submit.name"))
    field.wait_for(timeout=LOAD_TIMEOUT_MS)
    field.fill("Dana <i>")
    field.press("Enter")
    button = student.get_by_role("button", name=t("en", "board.submit.button"))
    student.wait_for_function(
        "(label) => [...document.querySelectorAll('button')].some("
        "b => b.innerText.includes(label) && !b.disabled)",
        arg=t("en", "board.submit.button"),
        timeout=LOAD_TIMEOUT_MS,
    )
    button.click()
    student.get_by_text("Submitted as Dana <i>").wait_for(timeout=LOAD_TIMEOUT_MS)
    submitted = time.monotonic()

    board.wait_for_function(
        "(text) => document.body.innerText.includes(text)",
        arg="latest: Dana <i> at",
        timeout=SEEN_WITHIN_S * 1000,
    )
    seen = time.monotonic() - submitted
    assert seen <= SEEN_WITHIN_S
    assert store.standings(code).name.tolist() == ["Dana <i>"]
    store.dispose()
