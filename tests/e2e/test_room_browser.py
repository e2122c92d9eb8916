"""What a room sees, in a real browser (issue 25): the page stays drawn while it trains,
whatever note a move brings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from playground.i18n import t
from test_browser import (
    ARTIFACTS,
    CHARTS,
    FINGERPRINT_JS,
    SETTLE_TIMEOUT_MS,
    assert_healthy,
    settle,
    url_params,
)
from test_controls_browser import press_end

pytestmark = pytest.mark.e2e

# Every 25 ms: whether the tab bar is there, how many charts are drawn (their Vega
# drawing has a size), and whether a run is going on.
RECORD_JS = """() => {
    window.__samples = [];
    window.__recorder = setInterval(() => {
        const drawn = Array.from(document.querySelectorAll('CHARTS'))
            .filter(c => { const s = c.querySelector('svg.marks, canvas.marks');
                           return s && s.getBoundingClientRect().width > 0; });
        window.__samples.push({
            t: performance.now(),
            tabs: !!document.querySelector('[role="tablist"]'),
            charts: drawn.length,
            running: !!document.querySelector('[data-testid="stStatusWidget"]'),
            alerts: document.querySelectorAll('[data-testid="stAlertContainer"]').length,
            // progress bars beside the controls and inside the open tab
            sidebar_bar: !!document.querySelector('[data-testid="stSidebar"] BAR'),
            tab_bar: !!document.querySelector('[role="tabpanel"] BAR'),
        });
    }, 25);
}""".replace("CHARTS", CHARTS).replace("BAR", '[data-testid="stProgress"]')


def record(page) -> list[dict]:
    return page.evaluate("() => { clearInterval(window.__recorder); return window.__samples; }")


def test_a_move_that_brings_a_note_keeps_the_page_drawn_while_it_trains(app_url, page):
    """A window longer than half the points is lowered with a note: the note comes in
    above the tabs while the new run trains. The old tabs and charts stay (faded) the
    whole time, as they do for a move without a note; no frame is blank."""
    page.goto(f"{app_url}/?n_points=60&epochs=400&seed=4712")
    before = settle(page)
    page.evaluate(RECORD_JS)
    press_end(page, "seq_length")  # 50 > 60 / 2: lowered to 30, with a note
    settle(page, before)
    samples = record(page)
    assert url_params(page)["seq_length"] == ["30"]
    assert any(s["running"] for s in samples), "the run was not seen"
    assert samples[-1]["alerts"] > samples[0]["alerts"]  # the note came
    blank = [s for s in samples if not s["tabs"] or s["charts"] < 3]
    assert not blank, (
        f"{len(blank)} of {len(samples)} frames without the tabs or charts: {blank[:3]}"
    )
    # The learner moved a control: the run's progress shows under the controls too.
    assert any(s["sidebar_bar"] for s in samples), "no progress beside the controls"
    assert_healthy(page)


def test_compare_trains_with_its_progress_in_the_tab_and_its_charts_kept(app_url, page):
    """A move on the Compare tab trains its runs: each run's progress shows in the tab,
    under the models chosen, and the tab's charts stay (faded) meanwhile."""
    page.goto(f"{app_url}/?view=compare&epochs=80&noise=0.2&seed=4713")
    before = settle(page)
    page.evaluate(RECORD_JS)
    thumb = page.locator(".st-key-noise input[type=range]")
    thumb.focus()
    thumb.press("ArrowRight")  # noise 0.21: nine new runs
    settle(page, before)
    samples = record(page)
    assert url_params(page)["noise"] == ["0.21"]
    assert any(s["tab_bar"] for s in samples), "no progress in the tab"
    blank = [s for s in samples if not s["tabs"] or s["charts"] < 3]
    assert not blank, (
        f"{len(blank)} of {len(samples)} frames without the tabs or charts: {blank[:3]}"
    )
    assert_healthy(page)


def combobox(page, key: str) -> str:
    """The label the browser shows in the selectbox keyed `key`."""
    return page.locator(f".st-key-{key} input[role=combobox]").input_value()


IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""


def open_advanced(page) -> None:
    """Open the sidebar's Advanced group (its first) and wait for its controls: they
    are drawn only while it is open (the click reruns the page)."""
    page.locator('[data-testid="stSidebar"] summary').first.click()
    page.locator(".st-key-signal input[role=combobox]").wait_for(timeout=SETTLE_TIMEOUT_MS)
    # and for that rerun's end: a menu opened while it still redraws the sidebar closes
    page.wait_for_function(IDLE_JS, timeout=SETTLE_TIMEOUT_MS)


def test_a_language_switch_relabels_every_menu(app_url, page):
    """Switching to Chinese relabels the scenario and signal menus at once (the browser
    kept the English label it showed until another setting moved); the language menu
    names the language as the README does."""
    page.goto(f"{app_url}/?epochs=5&lang=en")
    settle(page)
    open_advanced(page)
    assert (combobox(page, "preset"), combobox(page, "signal")) == (
        t("en", "preset.custom"),
        t("en", "choice.signal.sine"),
    )
    page.locator(".st-key-lang input[role=combobox]").click()
    page.get_by_role("option", name="简体中文").click()
    page.wait_for_function(  # both menus, each drawn when its rerun reaches it
        """([preset, signal]) =>
            document.querySelector('.st-key-preset input').value === preset
            && document.querySelector('.st-key-signal input').value === signal""",
        arg=[t("zh", "preset.custom"), t("zh", "choice.signal.sine")],
        timeout=SETTLE_TIMEOUT_MS,
    )
    assert combobox(page, "signal") == t("zh", "choice.signal.sine")
    assert combobox(page, "lang") == "简体中文"
    assert_healthy(page)


AXIS_LABELS_JS = """() => Array.from(document.querySelectorAll('CHARTS'))
    .map(c => Array.from(c.querySelectorAll('g.role-axis-label text')).map(t => {
        const r = t.getBoundingClientRect();
        return {text: t.textContent, left: r.left, right: r.right, top: r.top,
                bottom: r.bottom};
    }))""".replace("CHARTS", CHARTS)
E_NOTATION = re.compile(r"\de[+-]?\d")


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of label boxes on one line that overlap (1 px of rounding allowed)."""
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["text"]
        and b["text"]
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
        and min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1
    ]


def test_chinese_train_charts_label_plainly_without_collisions(app_url, page):
    """In Chinese, the errors chart's bar labels do not run into each other, and no
    axis writes a number in e-notation."""
    page.goto(f"{app_url}/?lang=zh&epochs=30")
    settle(page)
    charts = page.evaluate(AXIS_LABELS_JS)
    labels = [b["text"] for boxes in charts for b in boxes]
    assert not [s for s in labels if E_NOTATION.search(s)], labels
    errors = charts[2]  # prediction, loss, errors
    assert {"训练", "测试"} <= {b["text"] for b in errors}
    assert not overlapping(errors), overlapping(errors)
    assert_healthy(page)


def test_gradients_write_tiny_numbers_as_powers_of_ten(app_url, page):
    page.goto(f"{app_url}/?preset=vanishing_gradients&epochs=30")
    drawn = "() => document.querySelectorAll('CHARTS svg.marks').length >= 2"
    idle = "!document.querySelector('[data-testid=stStatusWidget]')"
    page.wait_for_function(
        f"{drawn} && {idle}".replace("CHARTS", CHARTS), timeout=SETTLE_TIMEOUT_MS
    )
    labels = [b["text"] for boxes in page.evaluate(AXIS_LABELS_JS) for b in boxes]
    assert not [s for s in labels if E_NOTATION.search(s)], labels
    assert any(s.startswith("10⁻") or "×10⁻" in s for s in labels), labels
    assert_healthy(page)


# Per download button: its label, and whether any text inside it is cut (wider than its
# box) or the button passes the window's right edge.
DOWNLOADS_JS = """(prefix) => Array.from(
        document.querySelectorAll(`[class*="st-key-${prefix}"] button`))
    .map(b => ({
        label: b.innerText.trim(),
        cut: Array.from(b.querySelectorAll('*')).some(e => e.scrollWidth > e.clientWidth + 1),
        past_edge: b.getBoundingClientRect().right > window.innerWidth + 1,
    }))"""


@pytest.mark.parametrize("width", [1366, 1440, 390])
def test_download_labels_are_whole(app_url, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/?view=home&epochs=5&lang=en")
    # The buttons arrive in more than one message: wait for all six (one run: 3 of 6).
    page.wait_for_function(
        f"() => ({DOWNLOADS_JS})('download_').length >= 6", timeout=SETTLE_TIMEOUT_MS
    )
    buttons = page.evaluate(DOWNLOADS_JS, "download_")
    assert len(buttons) == 6
    assert {b["label"] for b in buttons} >= {
        t("en", "download.script"),
        t("en", "download.weights"),
    }
    assert not [b for b in buttons if b["cut"] or b["past_edge"]], buttons
    assert_healthy(page)


@pytest.mark.parametrize(("lang", "width"), [("en", 1366), ("zh", 390)])
def test_the_text_view_s_download_labels_are_whole(app_url, page, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{app_url}/?view=text&epochs=5&text_epochs=2&lang={lang}")
    page.locator(".st-key-text_download_script button").wait_for(timeout=SETTLE_TIMEOUT_MS)
    buttons = page.evaluate(DOWNLOADS_JS, "text_download_")
    assert len(buttons) == 5
    assert t(lang, "text.download.snapshots") in {b["label"] for b in buttons}
    assert not [b for b in buttons if b["cut"] or b["past_edge"]], buttons
    assert_healthy(page)


MENU_JS = """() => {
    const options = Array.from(document.querySelectorAll('[role=option]'));
    const cut = options.filter(
        o => [o, ...o.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1));
    return {count: options.length, cut: cut.map(o => o.innerText)};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sidebar_menus_show_their_entries_whole(app_url, page, lang):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app_url}/?epochs=5&lang={lang}")
    settle(page)
    open_advanced(page)  # the signal's menu
    for key in ("preset", "signal", "model"):
        box = page.locator(f".st-key-{key} input[role=combobox]")
        for _ in range(3):  # a rerun that redraws the sidebar can close an open menu
            box.click()
            first = page.locator("[role=option]").first
            try:  # the list opens a moment after the click (later on a busy box)
                first.wait_for(timeout=3_000)
            except PlaywrightTimeout:  # a click that only focused it
                box.press("ArrowDown")
                first.wait_for(timeout=10_000)
            seen = page.evaluate(MENU_JS)  # the options and the cut ones, read at once
            if seen["count"]:
                break
            page.keyboard.press("Escape")
        assert seen["count"] >= 3, key
        assert not seen["cut"], (key, seen["cut"])
        page.keyboard.press("Escape")
    assert_healthy(page)


# ---- Phone (390 px) ---------------------------------------------------------------------
PHONE = {"width": 390, "height": 844}
# The sidebar's right edge and the first chart's box in the open tab, in the window.
PHONE_JS = """() => {
    const side = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
    const panel = Array.from(document.querySelectorAll('[role="tabpanel"]'))
        .find(p => p.getBoundingClientRect().height > 0);
    const chart = panel.querySelector('[data-testid="stVegaLiteChart"]');
    const c = chart.getBoundingClientRect();
    const heads = Array.from(panel.querySelectorAll('[data-testid="stHeading"]')).filter(
        h => chart.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_PRECEDING);
    const head = heads.length ? heads[heads.length - 1].getBoundingClientRect().top : null;
    const fixed = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect();
    return {sidebar_right: side.right, top: c.top, bottom: c.bottom, height: innerHeight,
            heading: head, header: fixed.bottom};
}"""


def test_on_a_phone_a_move_closes_the_sidebar_and_shows_the_chart(app_url, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/?epochs=30&seed=4714")
    before = settle(page)
    page.locator('[data-testid="stExpandSidebarButton"]').click()  # open the settings
    side = "document.querySelector('[data-testid=stSidebar]').getBoundingClientRect()"
    page.wait_for_function(f"() => {side}.right > 200")
    thumb = page.locator(".st-key-noise input[type=range]")
    thumb.focus()
    thumb.press("ArrowRight")
    settle(page, before)
    page.wait_for_timeout(600)  # the sidebar slides away
    seen = page.evaluate(PHONE_JS)
    assert seen["sidebar_right"] <= 1, seen  # closed
    visible = min(seen["bottom"], seen["height"]) - max(seen["top"], 0)
    assert visible >= 0.5 * (seen["bottom"] - seen["top"]), seen  # the chart is in view
    # Its top and its heading too, below the fixed header (issue 40: the chart's top
    # third and its title were above the fold).
    assert seen["heading"] is not None and seen["header"] <= seen["heading"] < seen["top"], seen
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "phone-after-a-move.png")
    # A menu's entry chosen: the same.
    before = page.evaluate(FINGERPRINT_JS)
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.wait_for_function(f"() => {side}.right > 200")
    # On a phone the menu is chosen from the keyboard (the list's popover may open
    # outside the narrow viewport): type the entry, confirm it.
    model = page.locator(".st-key-model input[role=combobox]")
    model.focus()
    model.press_sequentially("GRU")
    page.get_by_role("option", name="GRU", exact=True).wait_for()
    model.press("Enter")
    settle(page, before)
    page.wait_for_timeout(600)
    assert page.evaluate(PHONE_JS)["sidebar_right"] <= 1
    assert url_params(page)["model"] == ["gru"]
    assert_healthy(page)


# Every text drawn on the page (HTML, and SVG text at its drawn scale) smaller than 10 px:
# [tag, text, px]. Zero-width spaces (Streamlit's markers) are not text shown.
SMALL_TEXT_JS = """() => {
    const out = [], seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const n = walker.currentNode, el = n.parentElement;
        if (!n.textContent.replace(/[\\s\\u200b]/g, '') || !el || seen.has(el)) continue;
        seen.add(el);
        const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
        if (!r.width || !r.height || cs.visibility === 'hidden') continue;
        let px = parseFloat(cs.fontSize);
        if (el instanceof SVGElement && el.getScreenCTM) {
            const m = el.getScreenCTM(); px *= Math.hypot(m.a, m.b);
        }
        if (px < 9.95) out.push([el.tagName, n.textContent.trim().slice(0, 30), px]);
    }
    return out;
}"""


@pytest.mark.parametrize("view", ["train", "inside&model=lstm", "compare"])
def test_on_a_phone_no_text_is_under_10_px(app_url, page, view):
    """Charts, tables and the cell diagram at 390 px: the diagram keeps its text at
    10 px or more and scrolls sideways in its box; the page itself does not."""
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/?epochs=30&view={view}")
    drawn = "document.querySelectorAll('CHARTS svg.marks').length >= 3".replace("CHARTS", CHARTS)
    idle = "!document.querySelector('[data-testid=stStatusWidget]')"
    page.wait_for_function(f"() => {drawn} && {idle}", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # the last charts fit their columns
    assert not page.evaluate(SMALL_TEXT_JS)
    assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth") <= 391
    assert_healthy(page)


# Every box of the page that scrolls sideways (wider content than the box): its size, and
# whether a visible hint stands right above it and its background draws the edge shadow.
WIDE_BOXES_JS = """() => {
    const boxes = Array.from(document.querySelectorAll(
        '[data-testid="stMarkdownContainer"] *')).filter(e => {
        const cs = getComputedStyle(e);
        return (cs.overflowX === 'auto' || cs.overflowX === 'scroll')
            && e.scrollWidth > e.clientWidth + 4 && e.getBoundingClientRect().height > 0;
    });
    const hints = Array.from(document.querySelectorAll('.phone-swipe-hint'))
        .filter(h => h.getBoundingClientRect().height > 0);
    return boxes.map(b => {
        const r = b.getBoundingClientRect();
        const hinted = hints.some(h => {
            const q = h.getBoundingClientRect();
            return q.bottom <= r.top + 1 && r.top - q.bottom < 90;
        });
        return {tag: b.tagName, cls: String(b.className), width: b.scrollWidth,
                hinted, shadow: getComputedStyle(b).backgroundImage.includes('gradient')};
    });
}"""


def test_on_a_phone_every_box_that_scrolls_sideways_says_so(app_url, page):
    """Issue 40: at 390 px the cell diagram and the written-out equations were cut at the
    right edge in boxes that scrolled without a hint. Each such box has a hint above it
    ("swipe sideways") and a shadow on the side where more of it is; on a laptop the
    hints are not shown."""
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/?epochs=30&view=inside&model=lstm")
    drawn = "document.querySelectorAll('CHARTS svg.marks').length >= 3".replace("CHARTS", CHARTS)
    idle = "!document.querySelector('[data-testid=stStatusWidget]')"
    page.wait_for_function(f"() => {drawn} && {idle}", timeout=SETTLE_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    boxes = page.evaluate(WIDE_BOXES_JS)
    assert len(boxes) >= 3, boxes  # the diagram, the units table, the written-out step
    assert all(b["hinted"] and b["shadow"] for b in boxes), boxes
    hint = page.locator(".phone-swipe-hint").first
    assert hint.inner_text() == t("en", "cell.swipe")
    page.locator(".phone-swipe-hint").last.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "phone-wide-boxes.png")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.wait_for_timeout(500)
    assert not page.locator(".phone-swipe-hint").first.is_visible()
    assert_healthy(page)
