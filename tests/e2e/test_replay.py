"""The training replay in a real browser: Play animates the prediction line in the
iframe, at 10 frames a second or more, without a single Streamlit rerun.

The player is an HTML page in an iframe (`st.iframe`, titled by the locale key
`replay.frame`) inside the Train tab's "Watch it learn" expander; Playwright reaches into
it with `frame_locator`. "No rerun" is read from two signals: the browser sends no
websocket message to the server while it plays (a rerun starts with one: a BackMsg), and
Streamlit's running indicator (`stStatusWidget`) never appears, watched by a
MutationObserver so that a short run could not slip between two polls.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from test_browser import ARTIFACTS, assert_healthy, settle

pytestmark = pytest.mark.e2e

LOCALES = Path(__file__).resolve().parents[2] / "playground" / "locales"
EN = json.loads((LOCALES / "en.json").read_text(encoding="utf-8"))
ZH = json.loads((LOCALES / "zh.json").read_text(encoding="utf-8"))
PLAY_SECONDS = 3.0
MIN_CHANGES = 10  # >= 10 frames a second would give 30 in 3 s

# In the iframe: count every change of the prediction line's geometry from now on.
COUNT_CHANGES_JS = """line => {
    window.__lineChanges = [];
    new MutationObserver(records => {
        for (const r of records) window.__lineChanges.push(line.getAttribute('d'));
    }).observe(line, {attributes: true, attributeFilter: ['d']});
}"""

# In the page: remember whether Streamlit's running indicator ever appears from now on.
WATCH_STATUS_JS = """() => {
    window.__statusSeen = !!document.querySelector('[data-testid="stStatusWidget"]');
    new MutationObserver(() => {
        if (document.querySelector('[data-testid="stStatusWidget"]')) window.__statusSeen = true;
    }).observe(document.body, {childList: true, subtree: true});
}"""


def record_sent_frames(page) -> list[float]:
    """Times (monotonic, in the test) of every websocket message the page sends."""
    sent: list[float] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda _payload: sent.append(time.monotonic())),
    )
    return sent


def open_replay(page, strings: dict[str, str]):
    """Open the replay expander; return the player's frame."""
    page.locator('[data-testid="stExpander"] summary').filter(
        has_text=strings["replay.title"]
    ).click()
    frame = page.frame_locator(f'iframe[title="{strings["replay.frame"]}"]')
    frame.get_by_role("button", name=strings["replay.play"], exact=True).wait_for(
        state="visible", timeout=30_000
    )
    return frame


# Resolves after the browser has drawn `n` animation frames: time measured in the events
# that would show a playing animation, not in a sleep.
ANIMATION_FRAMES_JS = """(n) => new Promise(done => {
    const tick = () => (--n <= 0 ? done(true) : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
})"""


def test_play_animates_the_prediction_in_the_browser_without_a_rerun(app_url, page):
    sent = record_sent_frames(page)
    page.goto(app_url)
    settle(page)
    frame = open_replay(page, EN)
    player = page.locator(f'iframe[title="{EN["replay.frame"]}"]')
    player.scroll_into_view_if_needed()
    # The player shows the trained network first: the last snapshot (epoch 100).
    assert frame.locator("#epoch").inner_text() == "epoch 100"
    box = player.bounding_box()
    assert box is not None and box["height"] > 250  # sized to its content, not 150 px
    page.wait_for_timeout(500)  # let the expander's layout settle

    line = frame.locator("#prediction")
    line.evaluate(COUNT_CHANGES_JS)
    page.evaluate(WATCH_STATUS_JS)
    sent_before = len(sent)
    started = time.monotonic()
    frame.get_by_role("button", name="Play", exact=True).click()
    pause = frame.get_by_role("button", name="Pause", exact=True)
    pause.wait_for(state="visible", timeout=2_000)  # the label switches while playing
    page.wait_for_timeout(PLAY_SECONDS * 1000 - (time.monotonic() - started) * 1000)
    changes = line.evaluate("() => window.__lineChanges")
    sent_during = sent[sent_before:]

    assert len(changes) >= MIN_CHANGES, f"{len(changes)} frames in {PLAY_SECONDS} s"
    assert len(set(changes)) >= MIN_CHANGES  # and each draws a different line
    assert not sent_during, f"the browser sent {len(sent_during)} messages: a rerun"
    assert page.evaluate("() => window.__statusSeen") is False

    # Pause holds the frame; the scrubber moves by hand and says which epoch it shows.
    pause.click()
    frame.get_by_role("button", name="Play", exact=True).wait_for(state="visible")
    held = line.get_attribute("d")
    page.evaluate(ANIMATION_FRAMES_JS, 30)  # ~0.5 s of the browser drawing: no step came
    assert line.get_attribute("d") == held
    scrubber = frame.get_by_role("slider", name=EN["replay.scrubber"])
    scrubber.fill("10")  # frame 10: epoch 10 (the first epochs are all there)
    assert frame.locator("#epoch").inner_text() == "epoch 10"
    assert line.get_attribute("d") != held
    assert not sent[sent_before:], "scrubbing sent a message to the server"
    assert page.evaluate("() => window.__statusSeen") is False

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator('[data-testid="stExpander"]').filter(has_text=EN["replay.title"]).screenshot(
        path=ARTIFACTS / "replay.png"
    )
    assert_healthy(page)

    # The signal can see a rerun: Streamlit's "r" shortcut reruns the script, and that
    # starts with a message from the browser.
    quiet = len(sent)
    page.locator("h2").first.click()  # focus the page, outside the iframe and any input
    page.keyboard.press("r")
    deadline = time.monotonic() + 10
    while len(sent) == quiet and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert len(sent) > quiet, "a rerun sent no message: the no-rerun check would be blind"
    settle(page)
    # A rerun of the same result keeps the player as it was (same HTML: not reloaded).
    assert frame.locator("#epoch").inner_text() == "epoch 10"
    assert_healthy(page)


def test_the_player_speaks_the_readers_language(app_url, page):
    page.goto(f"{app_url}/?lang=zh")
    settle(page)
    frame = open_replay(page, ZH)
    button = frame.get_by_role("button", name="播放", exact=True)
    assert button.is_visible()
    assert frame.locator("#epoch").inner_text() == "第 100 轮"
    button.click()
    frame.get_by_role("button", name="暂停", exact=True).wait_for(state="visible")
    assert_healthy(page)
