"""The guided tour in a real Chromium (issue 39): a walk through every step in English
and in Chinese that answers every question, with no browser error, no raw locale key
(`tour.` text) on the page and, where the step's view draws charts, charts with marks;
and at 390 px (a phone) the step's text, its question and the chart it points at are on
screen, each at its own centre the topmost element (no sidebar over them), on a step of
each view that draws.
Screenshots: test-artifacts/tour_<lang>_<step>.png and tour_390_<step>.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.i18n import t
from playground.tour import STEPS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 240_000  # a cold server imports torch and trains first
QUICK = "epochs=20&lock=epochs,text_epochs&text_epochs=1&translate_epochs=1&translate_pairs=500"
PANEL = ".st-key-tour_panel"
CHARTS = '[data-testid="stVegaLiteChart"]'
CHARTED = {"train", "inside", "gradients", "text", "translate"}  # views that draw at once
# Idle: no run going, nothing stale, and the panel shows `title` and one of `words`.
IDLE_JS = """([panel, title, words]) => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const p = document.querySelector(panel);
    if (!p || !p.innerText.includes(title)) return false;
    return words.length === 0 || words.some(w => p.innerText.includes(w));
}"""
CHARTS_DRAWN_JS = """(sel) => {
    const charts = Array.from(document.querySelectorAll(sel))
        .filter(c => c.getBoundingClientRect().width > 0);
    return charts.length > 0 && charts.every(c => c.querySelector('svg.marks, canvas.marks'));
}"""
# Whether the element is the topmost at its own centre once scrolled to (not covered).
ON_TOP_JS = """(el) => {
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect();
    const x = r.left + Math.min(r.width / 2, 20), y = r.top + Math.min(r.height / 2, 10);
    const hit = document.elementFromPoint(x, y);
    return {inside: r.left >= -1 && r.right <= window.innerWidth + 1,
            top: !!hit && (el === hit || el.contains(hit))};
}"""


def wait_idle(page, title: str, words: list[str]) -> None:
    page.wait_for_function(IDLE_JS, arg=[PANEL, title, words], timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)  # a rerun starting just after the check
    page.wait_for_function(IDLE_JS, arg=[PANEL, title, words], timeout=TIMEOUT_MS)


def step_title(lang: str, number: int) -> str:
    step = STEPS[number - 1]
    title = t(lang, step.word("title"))
    return t(lang, "tour.step_of", step=number, total=len(STEPS), title=title)


def said_after_guess(lang: str, number: int) -> list[str]:
    """What the panel may show once the learner guessed: an answer or the step's wait."""
    step = STEPS[number - 1]
    return [t(lang, "tour.right"), t(lang, "tour.other", guess="X").split("X")[0][:6],
            t(lang, step.word("wait"))]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_walk_through_every_step(app_url, page, lang):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{app_url}/?tour=1&lang={lang}&{QUICK}")
    for number, step in enumerate(STEPS, start=1):
        title = step_title(lang, number)
        wait_idle(page, title, [])
        assert f"tour={number}" in page.url
        panel = page.locator(PANEL)
        panel.get_by_role("radio").first.check(force=True)  # guess
        wait_idle(page, title, said_after_guess(lang, number))
        if step.key == "sentiment":  # its thing to do: the Text view's task
            page.get_by_text(t(lang, "text.task.sentiment"), exact=True).first.click()
            wait_idle(page, title, said_after_guess(lang, number)[:2])
        if step.view in CHARTED:
            page.wait_for_function(CHARTS_DRAWN_JS, arg=CHARTS, timeout=TIMEOUT_MS)
        assert page.locator('[data-testid="stException"]').count() == 0, step.key
        body = page.locator("body").inner_text()
        assert "tour." not in body, [line for line in body.splitlines() if "tour." in line]
        page.screenshot(path=str(ARTIFACTS / f"tour_{lang}_{number}.png"), full_page=False)
        if number < len(STEPS):
            panel.get_by_role("button", name=t(lang, "tour.next")).click()
    assert page.locator(PANEL).get_by_role("button", name=t(lang, "tour.next")).is_disabled()


# The picture's steps, the replay's, and a step of each other view that draws at once.
@pytest.mark.parametrize("number", [1, 2, 6, 7, 9, 11])
def test_on_a_phone_the_step_its_question_and_its_chart_are_uncovered(app_url, browser, number):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{app_url}/?tour={number}&lang=en&{QUICK}")
        wait_idle(page, step_title("en", number), [])
        page.wait_for_function(CHARTS_DRAWN_JS, arg=CHARTS, timeout=TIMEOUT_MS)
        step = STEPS[number - 1]
        targets = {
            "text": page.locator(PANEL).get_by_text(t("en", step.word("do"))[:30]).first,
            "question": page.locator(PANEL).get_by_role("radiogroup").first,
            "chart": page.locator(CHARTS).first,
        }
        for name, target in targets.items():
            where = target.evaluate(ON_TOP_JS)
            assert where == {"inside": True, "top": True}, (number, name, where)
        page.screenshot(path=str(ARTIFACTS / f"tour_390_{number}.png"), full_page=False)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors, errors
    finally:
        context.close()
