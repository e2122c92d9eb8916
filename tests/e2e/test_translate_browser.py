"""The Translate view in a real browser, in English and Chinese: it opens from
?view=translate, writes the translation of what the learner types with its attention
map (every source character named under it), and a bad paste of one's own pairs says why
in the page's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_browser import ARTIFACTS, assert_healthy

pytestmark = pytest.mark.e2e

LOCALES = Path(__file__).resolve().parents[2] / "playground" / "locales"
STRINGS = {
    lang: json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    for lang in ("en", "zh")
}
TIMEOUT_MS = 180_000
QUICK = "epochs=2&translate_epochs=3&translate_pairs=1000"
OUTPUT = '[data-testid="stMarkdown"] code'
MAP_LABELS = '[data-testid="stVegaLiteChart"] svg g.role-axis-label text'


def settled(page) -> None:
    """Wait until no run is going on."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=TIMEOUT_MS,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_typing_an_input_writes_its_translation_and_attention_map(app_url, page, lang):
    strings = STRINGS[lang]
    page.goto(f"{app_url}/?view=translate&lang={lang}&{QUICK}")
    page.get_by_text(strings["translate.try.output"]).first.wait_for(timeout=TIMEOUT_MS)
    settled(page)
    box = page.locator(".st-key-translate_input_dates input")
    box.fill("3 May 1999")
    box.press("Enter")
    page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.innerText.length)"
        " && !document.querySelector('[data-stale=\"true\"]')",
        arg=[OUTPUT, "3 May 1999"],
        timeout=TIMEOUT_MS,
    )
    settled(page)
    # every source character is named under the map (read at once: a rerun redraws it)
    page.wait_for_function(
        "([sel, chars]) => { const seen = new Set([...document.querySelectorAll(sel)]"
        ".map(e => e.textContent)); return [...chars].every(c => seen.has(c)); }",
        arg=[MAP_LABELS, "3May1999"],
        timeout=TIMEOUT_MS,
    )
    page.screenshot(path=str(ARTIFACTS / f"translate-{lang}.png"), full_page=True)
    assert_healthy(page)


def test_a_bad_paste_of_own_pairs_says_why_in_chinese(app_url, page):
    strings = STRINGS["zh"]
    page.goto(f"{app_url}/?view=translate&lang=zh&{QUICK}")
    page.get_by_text(strings["translate.try.output"]).first.wait_for(timeout=TIMEOUT_MS)
    settled(page)
    page.locator(".st-key-translate_task input[role=combobox]").click()
    page.get_by_role("option", name=strings["translate.task.own"], exact=True).click()
    area = page.locator(".st-key-translate_area textarea")
    area.wait_for(timeout=TIMEOUT_MS)
    area.fill("no tab on this line\nnor on this one")
    area.press("Control+Enter")
    page.get_by_text(strings["translate.note.one_column"]).wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(ARTIFACTS / "translate-own-zh.png"), full_page=True)
