"""The Long memory tab in a real browser (issue 40): a language switch while its sweep
runs is not a cancel. The sweep's progress shows again, in the new language, and its
result comes without a second press."""

from __future__ import annotations

import pytest

from playground.i18n import t
from test_browser import ARTIFACTS, SETTLE_TIMEOUT_MS, assert_healthy

pytestmark = pytest.mark.e2e

SWEEP_TIMEOUT_MS = 600_000  # 36 small trainings on a shared 2-core machine
BAR = '[role="tabpanel"] [data-testid="stProgress"]'
IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""


def test_a_language_switch_during_the_sweep_keeps_its_progress_and_result(app_url, page):
    page.goto(f"{app_url}/?view=memory&lang=en&seed=4740")
    button = page.get_by_role("button", name=t("en", "memory.run"))
    button.wait_for(timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_function(IDLE_JS, timeout=SETTLE_TIMEOUT_MS)
    # A shorter sweep (lags up to 10, not 30: a third of the runs), still long enough to
    # switch the language in the middle of it.
    slider = page.locator(".st-key-lag input[type=range]")
    slider.focus()
    for _ in range(4):
        slider.press("ArrowLeft")
    page.wait_for_function(
        "() => document.querySelector('.st-key-lag input[type=range]')?.value === '10'",
        timeout=SETTLE_TIMEOUT_MS,
    )
    page.wait_for_function(IDLE_JS, timeout=SETTLE_TIMEOUT_MS)
    button.click()
    page.locator(BAR).first.wait_for(timeout=SETTLE_TIMEOUT_MS)  # the sweep runs

    page.locator(".st-key-lang input[role=combobox]").click()
    page.get_by_role("option", name="简体中文").click()
    page.get_by_text(t("zh", "memory.run")).first.wait_for(timeout=SETTLE_TIMEOUT_MS)
    # The sweep's progress again, in Chinese (it looked like a cancel: the bar went,
    # the button came back, and the sweep finished unseen).
    said = t("zh", "progress.memory_run", done=0, total=0, model="", lag=0).split("0")[0]
    page.wait_for_function(
        "([bar, said]) => Array.from(document.querySelectorAll(bar))"
        ".some(b => b.innerText.includes(said))",
        arg=[BAR, said],
        timeout=60_000,
    )
    # And its result, without a second press.
    page.get_by_text(t("zh", "memory.saliency.title")).wait_for(timeout=SWEEP_TIMEOUT_MS)
    assert page.locator(BAR).count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "memory-language-switch.png")
    assert_healthy(page)
