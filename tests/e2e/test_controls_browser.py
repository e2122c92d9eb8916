"""The controls in a real browser: a training draws its progress bar in the place the
header keeps for it (nothing below moves, and the bar fits that place), and a slider
moved past what the settings allow jumps to what runs."""

from __future__ import annotations

import pytest

from playground import ExperimentConfig
from test_browser import SETTLE_TIMEOUT_MS, assert_healthy, settle, slider_value, url_params

pytestmark = pytest.mark.e2e

# Every 25 ms: where the tab bar is, where the progress place and bar are, and whether
# the place overflows (a scroll bar would show).
RECORD_JS = """() => {
    window.__samples = [];
    const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
                       return {top: r.top, bottom: r.bottom}; };
    window.__recorder = setInterval(() => {
        const slot = document.querySelector('.st-key-progress_slot');
        window.__samples.push({
            tabs: box(document.querySelector('[role="tablist"]')),
            slot: box(slot),
            // the header's bar (the sidebar shows one too, under the controls moved)
            bar: box(document.querySelector('[data-testid="stMain"] [data-testid="stProgress"]')),
            overflow: slot ? slot.scrollHeight - slot.clientHeight : null,
        });
    }, 25);
}"""


def press_end(page, name: str) -> None:
    """Move slider `name` to its maximum by keyboard (a real user's drag to the end)."""
    thumb = page.locator(f".st-key-{name} input[type=range]")
    thumb.focus()
    thumb.press("End")


def test_training_draws_progress_in_its_place_and_nothing_moves(app_url, page):
    # Hidden 64, 1000 epochs: a few seconds of training, long enough to watch; a seed
    # no other test uses, so the run is not in the server's cache.
    page.goto(f"{app_url}/?hidden_size=64&epochs=5&seed=4711")
    before = settle(page)
    page.evaluate(RECORD_JS)
    press_end(page, "epochs")
    page.wait_for_function(
        "() => window.__samples.some(s => s.bar)", timeout=SETTLE_TIMEOUT_MS, polling=25
    )
    settle(page, before)
    samples = page.evaluate("() => { clearInterval(window.__recorder); return window.__samples; }")

    assert slider_value(page, "epochs") == 1000 and url_params(page)["epochs"] == ["1000"]
    tabs = {round(s["tabs"]["top"]) for s in samples if s["tabs"]}
    assert len(tabs) == 1, f"the tab bar moved: {sorted(tabs)}"
    shown = [s for s in samples if s["bar"]]
    assert shown, "no progress bar was seen"
    for s in shown:  # the bar is inside its place, which never needs a scroll bar
        assert (
            s["slot"]["top"] - 1 <= s["bar"]["top"] <= s["bar"]["bottom"] <= s["slot"]["bottom"] + 1
        ), s
    assert all(s["overflow"] is not None and s["overflow"] <= 0 for s in samples), samples[-1]
    assert_healthy(page)


def test_epochs_past_the_budget_jump_back_to_what_runs(app_url, page):
    sizes = {"hidden_size": 128, "num_layers": 3, "seq_length": 50}
    page.goto(f"{app_url}/?" + "&".join(f"{k}={v}" for k, v in sizes.items()) + "&epochs=5")
    before = settle(page)
    press_end(page, "epochs")
    settle(page, before)
    most = ExperimentConfig(**sizes).max_epochs()
    assert 30 <= most < 1000
    assert slider_value(page, "epochs") == most
    assert url_params(page)["epochs"] == [str(most)]
    assert_healthy(page)
