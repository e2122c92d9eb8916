"""Sessions never see each other's data: two app servers, three browser sessions, two CSVs.

Server 1 (the suite's `app_url`) serves sessions A and C; server 2 (started here, its own
process and caches) serves session B. A uploads a sawtooth, C and B the same square wave.
A and C share server 1's cross-session run and chart caches with equal settings and
series length, so a key without the data's content would hand C A's run; B shows what
C's data gives on a server that never saw A. Each page must draw exactly its own file's
values (the grey truth points are an affine image of the file's numbers), C and B must
draw identical marks (deterministic training, data keyed by content), and A must still
draw its own data after C and B trained, also when its settings move to those C then uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from test_browser import (
    ALERTS,
    ARTIFACTS,
    CHARTS,
    SETTLE_TIMEOUT_MS,
    assert_healthy,
    mark_paths,
    selectbox_value,
    settle,
    slider_value,
    url_params,
    vertex_count,
)

pytestmark = pytest.mark.e2e

EN = json.loads(
    (Path(__file__).resolve().parents[2] / "playground/locales/en.json").read_text("utf-8")
)
N_POINTS = 300  # the page uses the most recent min(rows, n_points) values of an upload
EPOCHS = 20  # short runs: the test is about whose data is drawn, not about fitting
SEQ_LENGTH = 10  # the default window
SETTINGS = f"?lang=en&n_points={N_POINTS}&epochs={EPOCHS}"
AFFINE_TOLERANCE = 1e-6  # worst misfit of pixels vs values, as a share of the pixel span

# A's file fills n_points exactly and C's is cut to it: both runs have the same settings
# and length, so only the data's content tells their cache entries apart.
A_VALUES = np.arange(N_POINTS) % 25 / 25.0  # 300-row sawtooth, period 25
B_VALUES = np.where(np.arange(400) // 20 % 2, 1.0, -1.0) + np.arange(400) / 200  # square + trend


def write_csv(path: Path, values: np.ndarray) -> Path:
    """A one-column CSV (header `value`) holding `values` exactly (repr round-trips)."""
    path.write_text("value\n" + "".join(f"{v!r}\n" for v in values.tolist()), encoding="utf-8")
    return path


def upload(page, path: Path) -> list[str]:
    """Open the sidebar's upload expander, put `path` into its file uploader, wait until
    the page has read it (its column picker shows) and the run is drawn; return the
    charts' fingerprints. (Not "until the charts change": a page that ignored the file
    would then fail here by timeout, not by the assertions on what it draws.)"""
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').filter(
        has_text=EN["upload.header"]
    ).click()
    page.locator('.st-key-upload input[type="file"]').set_input_files(path)
    page.locator(".st-key-column input[role=combobox]").wait_for(timeout=SETTLE_TIMEOUT_MS)
    return settle(page)


def truth_points(page) -> np.ndarray:
    """(n, 2) pixel centres (x, y) of the grey truth points of the predictions chart,
    ordered by x (time)."""
    transforms = (
        page.locator(CHARTS)
        .nth(0)
        .locator("g.role-mark.mark-symbol path")
        .evaluate_all("paths => paths.map(p => p.getAttribute('transform') || '')")
    )
    points = np.array(
        [[float(v) for v in tr.removeprefix("translate(").removesuffix(")").split(",")]
         for tr in transforms]
    )  # fmt: skip
    return points[np.argsort(points[:, 0], kind="stable")]


def affine_misfit(values: np.ndarray, pixels: np.ndarray) -> float:
    """Worst residual of the best line pixels ~ a * values + b, over the pixel span."""
    slope, intercept = np.polyfit(values, pixels, 1)
    return float(np.max(np.abs(pixels - (slope * values + intercept))) / np.ptp(pixels))


def assert_draws(page, values: np.ndarray, epochs: int) -> None:
    """The page's charts show a run of `epochs` on exactly `values` (the used tail)."""
    n = len(values)
    points = truth_points(page)
    assert len(points) == n
    # Time 0..n-1 (or the tail's rows) runs evenly left to right; values map to height.
    assert affine_misfit(np.arange(n, dtype=float), points[:, 0]) < AFFINE_TOLERANCE
    assert affine_misfit(values, points[:, 1]) < AFFINE_TOLERANCE
    assert np.polyfit(values, points[:, 1], 1)[0] < 0  # larger values higher up
    (line,) = mark_paths(page, 0, "mark-line")
    assert vertex_count(line) == n - SEQ_LENGTH  # one prediction per window
    assert [vertex_count(d) for d in mark_paths(page, 1, "mark-line")] == [epochs, epochs]
    assert selectbox_value(page, "column") == "value"
    assert_healthy(page)


def notes(page) -> list[str]:
    """The texts of the page's warning and error boxes, without their icons."""
    return page.locator(f'{ALERTS} [data-testid="stMarkdownContainer"]').all_inner_texts()


def step_epochs(page, key: str, before: list[str]) -> list[str]:
    """Press `key` on the epochs slider (one step) and return the redrawn charts."""
    thumb = page.locator(".st-key-epochs input[type=range]")
    thumb.focus()
    thumb.press(key)
    return settle(page, before)


def test_two_servers_three_sessions_never_share_data(app_url, start_app, new_page, tmp_path):
    a_csv = write_csv(tmp_path / "a.csv", A_VALUES)
    b_csv = write_csv(tmp_path / "b.csv", B_VALUES)
    b_used = B_VALUES[-N_POINTS:]  # the page keeps the most recent n_points values
    b_note = EN["upload.using_last"].format(n=N_POINTS, total=len(B_VALUES))

    server2 = start_app("streamlit-server-2")
    assert server2 != app_url
    a, c, b = new_page(), new_page(), new_page()  # three contexts: three sessions
    for page, server in ((a, app_url), (c, app_url), (b, server2)):
        page.goto(f"{server}/{SETTINGS}")
    signal = [settle(page) for page in (a, c, b)]  # the default sine, same on every page
    assert signal[0] == signal[1] == signal[2]

    # A (server 1) uploads the sawtooth: all its 300 values, no note.
    fa = upload(a, a_csv)
    assert_draws(a, A_VALUES, EPOCHS)
    assert notes(a) == []
    a.screenshot(path=ARTIFACTS / "upload-isolation.png", full_page=True)

    # C (server 1, same settings, A's run already cached) uploads the square wave: it
    # draws its own last 300 values, not A's run.
    fc = upload(c, b_csv)
    assert_draws(c, b_used, EPOCHS)
    assert notes(c) == [b_note]
    assert fc[0] != fa[0] and fc[1] != fa[1]

    # B (server 2, which never saw A) uploads the same file: the very same marks as C.
    fb = upload(b, b_csv)
    assert_draws(b, b_used, EPOCHS)
    assert notes(b) == [b_note]
    assert fb == fc

    # A reruns with one more epoch (settings C has not used yet): still A's values.
    fa_more = step_epochs(a, "ArrowRight", fa)
    assert slider_value(a, "epochs") == EPOCHS + 1
    assert_draws(a, A_VALUES, EPOCHS + 1)
    # C moves to the same settings, now cached on its server with A's data: C's own data.
    fc_more = step_epochs(c, "ArrowRight", fc)
    assert_draws(c, b_used, EPOCHS + 1)
    assert fc_more[0] != fa_more[0] and fc_more[1] != fa_more[1]

    # Back to the first settings: each page draws exactly what it drew before the others
    # uploaded and trained.
    assert step_epochs(a, "ArrowLeft", fa_more) == fa
    assert url_params(a).get("epochs") == [str(EPOCHS)]
    assert_draws(a, A_VALUES, EPOCHS)
    assert step_epochs(c, "ArrowLeft", fc_more) == fc
    assert_draws(c, b_used, EPOCHS)
