"""The page in a real browser: it draws its charts, and the controls retrain and redraw.

Streamlit 1.67 renders each Altair chart as `[data-testid="stVegaLiteChart"]` holding
one Vega `<svg class="marks">`; every data mark is a `<g class="mark-... role-mark">`
group whose `<path>` children carry the geometry (`d`) and position (`transform`).
Those attributes are what the tests read: a mark count proves the chart drew its data,
and a change in them proves new data reached the screen. A run is finished when
Streamlit's running indicator (`stStatusWidget`) is gone and no element is stale.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"  # gitignored; CI may upload it

SETTLE_TIMEOUT_MS = 120_000  # a cold server imports torch and trains 100 epochs first
CHARTS = '[data-testid="stVegaLiteChart"]'
# st.warning / st.error boxes (role "alert"; st.info explanations are role "status")
ALERTS = '[data-testid="stAlertContainer"][role="alert"]'
N_CHARTS = 3  # predictions, loss per epoch, errors
STABLE_PAUSE_MS = 750  # charts unchanged this long (and no run) count as final
STABLE_CHECKS = 20

# Per chart, the geometry of every data mark: "class:d|transform;..." strings.
# Axes, grid lines and legends are not `role-mark` groups, so they are not included;
# nor is the dashed faint line of the run before a change (this session's history).
FINGERPRINT_JS = """() => Array.from(document.querySelectorAll('CHARTS')).map(chart =>
    Array.from(chart.querySelectorAll('g.role-mark'))
    .filter(g => !g.querySelector('path[stroke-dasharray]')).map(g =>
        g.getAttribute('class').replace(/ layer_[0-9]+_marks/g, '') + ':' +
        Array.from(g.querySelectorAll('path')).map(p =>
            (p.getAttribute('d') || '') + '|' + (p.getAttribute('transform') || '')
        ).join(';')
    ).join('\\n'))""".replace("CHARTS", CHARTS)

# True when a run has finished and all charts are drawn (and, if `before` is given,
# when the charts' marks differ from it).
SETTLED_JS = """([before, n]) => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const charts = document.querySelectorAll('CHARTS');
    if (charts.length !== n) return false;
    for (const c of charts) if (!c.querySelector('svg.marks g.role-mark path')) return false;
    if (before === null) return true;
    const now = (FINGERPRINT)();
    return now.join('\\n\\n') !== before.join('\\n\\n');
}""".replace("CHARTS", CHARTS).replace("FINGERPRINT", FINGERPRINT_JS)


def settle(page, before: list[str] | None = None) -> list[str]:
    """Wait until the run is over and the charts are drawn (and changed from `before`).

    Then wait until the charts stay the same across a short pause, so that a rerun
    starting just after a check (e.g. from a later key press) is waited for as well.
    Returns the charts' fingerprints.
    """
    page.wait_for_function(SETTLED_JS, arg=[before, N_CHARTS], timeout=SETTLE_TIMEOUT_MS)
    latest = page.evaluate(FINGERPRINT_JS)
    for _ in range(STABLE_CHECKS):
        page.wait_for_timeout(STABLE_PAUSE_MS)
        page.wait_for_function(SETTLED_JS, arg=[None, N_CHARTS], timeout=SETTLE_TIMEOUT_MS)
        now = page.evaluate(FINGERPRINT_JS)
        if now == latest:
            return now
        latest = now
    raise AssertionError(f"charts kept changing over {STABLE_CHECKS} checks")


def mark_paths(page, chart: int, mark_class: str, dashed: bool = False) -> list[str]:
    """The `d` attributes of the paths of one kind of mark (e.g. "mark-line") in a chart:
    solid ones, or (`dashed`) the dashed ones, e.g. the faint line of the run before a
    change of settings."""
    return (
        page.locator(CHARTS)
        .nth(chart)
        .locator(f"g.role-mark.{mark_class} path")
        .evaluate_all(
            "(paths, dashed) => paths.filter(p => !!p.getAttribute('stroke-dasharray') === dashed)"
            ".map(p => p.getAttribute('d') || '')",
            dashed,
        )
    )


def vertices(d: str) -> np.ndarray:
    """The (x, y) points of an SVG polyline path ("M x,y L x,y ...")."""
    return np.array(re.findall(r"[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)", d), dtype=float)


def vertex_count(d: str) -> int:
    """Points of an SVG polyline path ("M x,y L x,y ..."): one per move/line command."""
    return len(re.findall(r"[ML]", d))


def slider_value(page, name: str) -> float:
    """The value the browser shows on the slider keyed `name`."""
    return float(page.locator(f".st-key-{name} input[type=range]").input_value())


def selectbox_value(page, name: str) -> str:
    """The option the browser shows in the selectbox keyed `name`."""
    return page.locator(f".st-key-{name} input[role=combobox]").input_value()


def url_params(page) -> dict[str, list[str]]:
    """The page's current query parameters."""
    return parse_qs(urlparse(page.url).query)


def assert_healthy(page) -> None:
    """No Python exception box and no browser error so far."""
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not page.console_errors, "\n".join(page.console_errors)


def choose_model(page, model: str) -> None:
    """Open the model selectbox and click `model`."""
    page.locator(".st-key-model input[role=combobox]").click()
    page.get_by_role("option", name=model.upper(), exact=True).click()  # shown as RNN/LSTM/GRU


def test_default_page_draws_all_charts(app_url, page):
    page.goto(app_url)
    settle(page)
    assert_healthy(page)
    assert page.locator(ALERTS).count() == 0  # no notes, no errors

    # Signal and prediction: 100 truth points, one prediction line of 90 points
    # (targets 10..99), one shaded test region.
    assert len(mark_paths(page, 0, "mark-symbol")) == 100
    (line,) = mark_paths(page, 0, "mark-line")
    assert vertex_count(line) == 100 - 10
    assert len(mark_paths(page, 0, "mark-rect")) == 1
    # Loss per epoch: a train and a test line, one vertex per epoch.
    assert [vertex_count(d) for d in mark_paths(page, 1, "mark-line")] == [100, 100]
    # Errors: three metrics x two splits as bars.
    assert len(mark_paths(page, 2, "mark-rect")) == 6
    # And the table of errors is there too.
    assert page.locator('[data-testid="stDataFrame"]').count() == 1

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "default.png", full_page=True)
    (REPO_ROOT / "docs").mkdir(exist_ok=True)
    shutil.copyfile(ARTIFACTS / "default.png", REPO_ROOT / "docs" / "screenshot.png")


def test_noise_slider_by_keyboard_retrains_and_redraws(app_url, page):
    page.goto(app_url)
    before = settle(page)
    assert slider_value(page, "noise") == pytest.approx(0.1)

    thumb = page.locator(".st-key-noise input[type=range]")
    thumb.focus()
    for _ in range(5):
        thumb.press("ArrowRight")
    after = settle(page, before)

    assert slider_value(page, "noise") == pytest.approx(0.15)
    assert url_params(page).get("noise") == ["0.15"]
    # New noise means new truth points and a new fit: both charts' data moved.
    assert after[0] != before[0]
    assert after[1] != before[1]
    assert len(mark_paths(page, 0, "mark-symbol")) == 100
    assert_healthy(page)

    # The run before the change stays as a faint dashed line (this session's history).
    assert len(mark_paths(page, 0, "mark-line", dashed=True)) == 1
    line = mark_paths(page, 0, "mark-line")

    # What is drawn is exactly the run for noise 0.15: a fresh page on that link
    # (same seed, deterministic training) draws the same marks, without the faint line
    # (its legend sits under the chart, so the prediction chart's height differs).
    losses = mark_paths(page, 1, "mark-line")
    page.goto(f"{app_url}/?noise=0.15")
    settle(page)
    assert mark_paths(page, 0, "mark-line", dashed=True) == []
    # The same lines up to where the layout puts them (the faint line's legend moves
    # the charts): each vertex an affine image of the other page's, x and y.
    for here, there in [
        (mark_paths(page, 0, "mark-line"), line),
        (mark_paths(page, 1, "mark-line"), losses),
    ]:
        assert len(here) == len(there)
        for a, b in zip(here, there, strict=True):
            a, b = vertices(a), vertices(b)
            assert a.shape == b.shape
            for axis in (0, 1):
                slope, intercept = np.polyfit(b[:, axis], a[:, axis], 1)
                assert np.abs(a[:, axis] - (slope * b[:, axis] + intercept)).max() < 0.05
    assert_healthy(page)


def test_switching_model_to_lstm_then_gru_retrains_and_redraws(app_url, page):
    page.goto(app_url)
    rnn = settle(page)

    choose_model(page, "lstm")
    lstm = settle(page, rnn)
    assert selectbox_value(page, "model") == "LSTM"
    assert url_params(page).get("model") == ["lstm"]
    assert lstm[0] != rnn[0] and lstm[1] != rnn[1]
    assert_healthy(page)
    page.screenshot(path=ARTIFACTS / "lstm.png", full_page=True)

    choose_model(page, "gru")
    gru = settle(page, lstm)
    assert selectbox_value(page, "model") == "GRU"
    assert url_params(page).get("model") == ["gru"]
    assert gru[0] != lstm[0] and gru[1] != lstm[1]
    assert [vertex_count(d) for d in mark_paths(page, 1, "mark-line")] == [100, 100]
    assert_healthy(page)


def test_shared_link_opens_with_exactly_its_settings(app_url, page):
    page.goto(f"{app_url}/?noise=0.3&model=gru&seq_length=20&hidden_size=16&epochs=40")
    settle(page)
    assert_healthy(page)
    assert page.locator(ALERTS).count() == 0  # valid link: no notes

    assert slider_value(page, "noise") == pytest.approx(0.3)
    assert slider_value(page, "seq_length") == 20
    assert slider_value(page, "hidden_size") == 16
    assert slider_value(page, "epochs") == 40
    assert selectbox_value(page, "model") == "GRU"
    # The run used them: 40 epochs of losses; 100 - 20 predicted points.
    assert [vertex_count(d) for d in mark_paths(page, 1, "mark-line")] == [40, 40]
    (line,) = mark_paths(page, 0, "mark-line")
    assert vertex_count(line) == 100 - 20
    page.screenshot(path=ARTIFACTS / "shared-link.png", full_page=True)


def test_bad_link_shows_a_note_and_still_draws(app_url, page):
    page.goto(f"{app_url}/?noise=banana&epochs=-7")
    settle(page)
    assert_healthy(page)
    notes = page.locator(ALERTS).all_inner_texts()
    assert len(notes) == 2, notes  # one note per bad setting
    assert any("noise" in n.lower() and "not a number" in n for n in notes), notes
    assert any("epochs" in n.lower() and "clamped to 1" in n for n in notes), notes
    assert slider_value(page, "noise") == pytest.approx(0.1)
    assert slider_value(page, "epochs") == 1
    assert [vertex_count(d) for d in mark_paths(page, 1, "mark-line")] == [1, 1]
