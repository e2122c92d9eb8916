"""Step through one cell on the real page, in a real browser: the app opened at
`?view=inside` (an LSTM), a window picked by a click on a prediction point (the slider
and the caption follow, the chart rings the picked prediction), then forward and back
through the window's time steps: the cell's numbers change with the step, come back
with it, and the chosen step is marked on the inputs chart and the step slider.

tests/e2e/test_cell_browser.py checks the cell part alone on a page of its own (its
SVGs whole, fitting, in Chinese); this one checks it where readers meet it. Screenshots:
test-artifacts/cell_page_<stage>.png.
"""

from __future__ import annotations

import re

import pytest

from test_cell_browser import _h  # this directory's conftest: server and browser helpers

ARTIFACTS, watch_errors = _h.ARTIFACTS, _h.watch_errors

pytestmark = pytest.mark.e2e

SETTLE_TIMEOUT_MS = 180_000  # a cold server imports torch and trains first
VIEWPORT = {"width": 1366, "height": 1000}
QUERY = "/?view=inside&model=lstm"
N_STEPS = 10  # the default window (sequence length)

# The page is idle: no run going, nothing stale, both cell SVGs there, charts drawn.
SETTLED_JS = """() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const svgs = document.querySelectorAll('[data-testid="stMarkdownContainer"] svg[role="img"]');
    const charts = Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
        .filter(c => c.getBoundingClientRect().width > 0);
    return svgs.length === 2 && charts.length > 0
        && charts.every(c => c.querySelector('svg.marks g.role-mark path'));
}"""

# What the page shows of the window and the step: sliders' values, captions, the marks
# that show the choice (their aria labels, which Vega writes from the data), the cell's
# numbers (the diagram's text).
READ_JS = """() => {
    const visible = e => e.getBoundingClientRect().width > 0;
    const slider = label => {
        const s = Array.from(document.querySelectorAll('[data-testid="stSlider"]'))
            .filter(visible).find(s => s.innerText.startsWith(label));
        return s ? s.innerText.split('\\n').filter(x => x.trim())[1] : null;
    };
    const captions = Array.from(document.querySelectorAll('[data-testid="stCaptionContainer"]'))
        .filter(visible).map(c => c.innerText);
    const labels = sel => Array.from(document.querySelectorAll(sel)).filter(visible)
        .map(p => p.getAttribute('aria-label') || '');
    const svgs = document.querySelectorAll('[data-testid="stMarkdownContainer"] svg[role="img"]');
    return {
        window: slider('Window to trace'),
        step: slider('Time step'),
        windowCaption: captions.find(c => c.startsWith('Window ')) || '',
        stepCaption: captions.find(c => c.startsWith('Step ')) || '',
        // the picking chart's ring: the prediction of the chosen window
        ring: labels('[data-testid="stVegaLiteChart"] g.role-mark.layer_6_marks path'),
        // the inputs chart's dot and rule on the chosen step
        stepDot: labels('[data-testid="stVegaLiteChart"] g.role-mark.layer_2_marks path'),
        stepRule: document.querySelectorAll(
            '[data-testid="stVegaLiteChart"] g.mark-rule.layer_1_marks line').length,
        diagramTitle: svgs.length ? svgs[0].querySelector('title').textContent : '',
        diagram: svgs.length ? svgs[0].textContent : '',
        units: svgs.length > 1 ? svgs[1].textContent : '',
    };
}"""


@pytest.fixture(scope="module")
def page_url() -> str:
    """A server of the real app (its own process and cache), stopped after the module."""
    _h.require_browser()
    proc, base_url = _h.start_server(ARTIFACTS / "cell-page-server.log")
    try:
        yield base_url
    finally:
        _h.stop_server(proc)


def settle(pg) -> dict:
    pg.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
    return pg.evaluate(READ_JS)


def picking_chart(pg):
    """The prediction chart a click picks a window on (the one with the ring layer)."""
    return (
        pg.locator('[data-testid="stVegaLiteChart"]')
        .filter(has=pg.locator("g.layer_6_marks"))
        .first.locator("svg.marks")
    )


def click_at(pg, fraction: float) -> None:
    """Click the picking chart's plot `fraction` of the way across, mid-height: the
    nearest prediction point is picked."""
    chart = picking_chart(pg)
    box = chart.bounding_box()
    chart.click(position={"x": box["width"] * fraction, "y": 120})


def wait_for(pg, condition_js: str, arg) -> dict:
    pg.wait_for_function(condition_js, arg=arg, timeout=SETTLE_TIMEOUT_MS)
    return settle(pg)


def step_is(pg, step: int) -> dict:
    """Wait until the cell shows `step`; what the page shows then."""
    return wait_for(
        pg,
        """(s) => Array.from(document.querySelectorAll('svg[role="img"] > title'))
            .some(t => t.textContent.includes(`step ${s} of`))""",
        step,
    )


def shows(state: dict, window: int, step: int) -> None:
    """Every place that shows the window and the step agrees on them."""
    assert state["window"] == str(window), state
    assert state["windowCaption"].startswith(f"Window {window} predicts"), state
    assert len(state["ring"]) == 1 and f"window: {window}" in state["ring"][0], state
    assert state["step"] == str(step), state
    assert state["stepCaption"].startswith(f"Step {step} of {N_STEPS}:"), state
    assert f"step {step} of {N_STEPS}" in state["diagramTitle"], state
    # the inputs chart marks the chosen step: one dot (on that step) and one rule
    assert len(state["stepDot"]) == 1 and f"time step: {step};" in state["stepDot"][0], state
    assert state["stepRule"] == 1, state


def numbers(text: str) -> list[str]:
    """The numbers written in a text (the diagram's values)."""
    return re.findall(r"[−-]?\d+\.\d+", text)


def test_pick_a_window_by_click_and_step_through_its_cell(browser, page_url):
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    errors = watch_errors(pg)
    try:
        pg.goto(page_url + QUERY)
        first = settle(pg)
        start = int(first["window"])  # the first test window
        shows(first, start, 1)
        picking_chart(pg).screenshot(path=str(ARTIFACTS / "cell_page_opened.png"))

        # A click on the chart's left part picks an early (training) window.
        click_at(pg, 0.3)
        picked = wait_for(
            pg,
            """(w) => { const s = Array.from(document.querySelectorAll('[data-testid="stSlider"]'))
                .find(s => s.innerText.startsWith('Window to trace'));
                return s && s.innerText.split('\\n').filter(x => x.trim())[1] !== String(w); }""",
            start,
        )
        window = int(picked["window"])
        assert window < start // 2, (start, picked)
        assert "(train)" in picked["windowCaption"]
        shows(picked, window, 1)
        assert numbers(picked["diagram"]) != numbers(first["diagram"])  # another window
        picking_chart(pg).screenshot(path=str(ARTIFACTS / "cell_page_picked.png"))

        # Forward two steps, back one: the numbers follow the step and come back with it.
        next_step = pg.locator('[data-testid="stButton"] button', has_text="Next step")
        prev_step = pg.locator('[data-testid="stButton"] button', has_text="Previous step")
        seen = {1: picked}
        for step in (2, 3):
            next_step.click()
            seen[step] = step_is(pg, step)
            shows(seen[step], window, step)
            assert numbers(seen[step]["diagram"]) != numbers(seen[step - 1]["diagram"])
            assert seen[step]["stepCaption"] != seen[step - 1]["stepCaption"]  # x_t, t
        cell = pg.locator('[data-testid="stMarkdownContainer"]:has(svg[role="img"])').first
        cell.screenshot(path=str(ARTIFACTS / "cell_page_step3.png"))
        prev_step.click()
        back = step_is(pg, 2)
        shows(back, window, 2)
        assert numbers(back["diagram"]) == numbers(seen[2]["diagram"])  # the same step, again
        assert back["units"] == seen[2]["units"]

        # A second click, on the right part, picks a later window; the step stays.
        click_at(pg, 0.8)
        later = wait_for(
            pg,
            """(w) => { const s = Array.from(document.querySelectorAll('[data-testid="stSlider"]'))
                .find(s => s.innerText.startsWith('Window to trace'));
                return s && s.innerText.split('\\n').filter(x => x.trim())[1] !== String(w); }""",
            window,
        )
        assert int(later["window"]) > window
        shows(later, int(later["window"]), 2)
        pg.set_viewport_size({"width": VIEWPORT["width"], "height": 4200})  # the whole tab
        pg.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
        pg.screenshot(path=str(ARTIFACTS / "cell_page_whole.png"))
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("model", ["rnn", "gru"])
def test_the_written_out_step_renders_as_math(browser, page_url, model, lang):
    """The cell's equations and one unit's arithmetic are typeset (KaTeX), never shown as
    raw LaTeX source or in KaTeX's red error text (an RNN's h_t_{5} was, once)."""
    context = browser.new_context(viewport={"width": VIEWPORT["width"], "height": 4200})
    pg = context.new_page()
    errors = watch_errors(pg)
    try:
        pg.goto(f"{page_url}/?view=inside&model={model}&lang={lang}")
        pg.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
        pg.wait_for_function("() => document.querySelectorAll('.katex').length >= 2")
        assert pg.locator(".katex-error").count() == 0
        text = pg.locator('[data-testid="stMain"]').inner_text()
        assert "\\begin" not in text and "\\sigma" not in text and "\\tanh" not in text
        pg.screenshot(path=str(ARTIFACTS / f"cell_math_{model}_{lang}.png"))
        assert not errors, errors
    finally:
        context.close()
