"""Charts fit their columns, on a laptop and on a phone, with their legends below.

The page opens at 1366 x 768 and at 390 x 844 (a phone), on the default Train tab and on
`?view=inside&model=lstm` (the gates chart, once drawn 1155 px wide in a 980 px column).
Vega draws each chart as one `<svg class="marks">` (or `<canvas class="marks">` for many
points) inside `[data-testid="stVegaLiteChart"]`; its bounding box must lie within the
chart's element and the column holding it (`stElementContainer`), and inside the
window: a wider drawing is cut off, legend and last steps first. A drawing sized to its
column can still cut off what runs past its edge (a long legend row, a label), so every
legend, axis and written label must lie within it too. Screenshots go to
test-artifacts/layout_<width>_<view>.png for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"  # gitignored; CI may upload it

SETTLE_TIMEOUT_MS = 180_000  # a cold server imports torch and trains first
CHARTS = '[data-testid="stVegaLiteChart"]'
STABLE_PAUSE_MS = 1_000  # Streamlit redraws a chart when its column settles its width
STABLE_CHECKS = 20
TOLERANCE_PX = 1  # sub-pixel rounding
# A text's box is its font's whole line box: a rotated y-axis title's reaches ~3 px past
# the glyphs, beyond the drawing's left edge, with no ink cut off.
TEXT_TOLERANCE_PX = 4

VIEWPORTS = {1366: {"width": 1366, "height": 768}, 390: {"width": 390, "height": 844}}
# view -> (query, one entry per visible chart: whether it has a legend)
VIEWS = {
    "train": ("", [True, True, False]),  # prediction, loss, errors (colour = its x axis)
    # hidden, gates, trajectory, and the cell's inputs with the chosen step (no legend)
    "inside": ("?view=inside&model=lstm", [True, True, True, True, False]),
}

# Per visible chart: the boxes of the chart element, of its column, of Vega's drawing,
# of each legend and of each y axis (in page pixels), and whether Vega drew marks.
MEASURE_JS = """() => Array.from(document.querySelectorAll('CHARTS'))
    .filter(c => c.getBoundingClientRect().width > 0)
    .map(c => {
        const box = e => { const r = e.getBoundingClientRect();
            return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    width: r.width}; };
        const holder = c.closest('[data-testid="stElementContainer"]') || c.parentElement;
        const drawn = c.querySelector('svg.marks, canvas.marks');
        return {
            chart: box(c),
            holder: box(holder),
            drawn: drawn ? box(drawn) : null,
            renderer: drawn ? drawn.tagName.toLowerCase() : null,
            marks: c.querySelectorAll('g.role-mark path, g.role-mark line').length,
            legends: Array.from(c.querySelectorAll('g.role-legend')).map(box),
            // Legends, axes and written labels: Vega sizes its drawing to the column
            // (autosize "fit") and cuts off whatever does not fit in it.
            parts: Array.from(c.querySelectorAll(
                'g.role-legend, g.role-axis, g.role-title, g.mark-text.role-mark text'
            )).map(box),
            yAxes: Array.from(c.querySelectorAll('g.role-axis'))
                .filter(a => (a.getAttribute('aria-label') || '').startsWith('Y-axis'))
                .map(box),
        };
    })""".replace("CHARTS", CHARTS)

# True once a run is over and `n` visible charts have drawn their marks.
DRAWN_JS = """(n) => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const charts = Array.from(document.querySelectorAll('CHARTS'))
        .filter(c => c.getBoundingClientRect().width > 0);
    if (charts.length !== n) return false;
    return charts.every(c => c.querySelector('svg.marks g.role-mark path, canvas.marks'));
}""".replace("CHARTS", CHARTS)


def settle(page, n: int) -> list[dict]:
    """Wait until `n` charts are drawn and their boxes stay put across a pause."""
    page.wait_for_function(DRAWN_JS, arg=n, timeout=SETTLE_TIMEOUT_MS)
    latest = page.evaluate(MEASURE_JS)
    for _ in range(STABLE_CHECKS):
        page.wait_for_timeout(STABLE_PAUSE_MS)
        page.wait_for_function(DRAWN_JS, arg=n, timeout=SETTLE_TIMEOUT_MS)
        now = page.evaluate(MEASURE_JS)
        if now == latest:
            return now
        latest = now
    raise AssertionError(f"charts kept moving over {STABLE_CHECKS} checks")


def screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls its main area itself, so the window is made as
    tall as that area (same width: the layout stays) for the picture."""
    size = page.viewport_size
    tall = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], tall)})
    page.wait_for_timeout(STABLE_PAUSE_MS)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def within(inner: dict, outer: dict, tolerance: float = TOLERANCE_PX) -> bool:
    """Whether box `inner` lies horizontally within box `outer`."""
    return (
        inner["left"] >= outer["left"] - tolerance and inner["right"] <= outer["right"] + tolerance
    )


@pytest.mark.parametrize("width", sorted(VIEWPORTS, reverse=True))
@pytest.mark.parametrize("view", sorted(VIEWS, reverse=True))
def test_charts_fit_their_columns_with_legends_below(app_url, page, view, width):
    query, has_legend = VIEWS[view]
    page.set_viewport_size(VIEWPORTS[width])
    page.goto(app_url + "/" + query)
    charts = settle(page, len(has_legend))
    screenshot(page, ARTIFACTS / f"layout_{width}_{view}.png")
    window = {"left": 0, "right": page.evaluate("document.documentElement.clientWidth")}
    problems = [
        p for i, c in enumerate(charts) for p in chart_problems(i, c, has_legend[i], window)
    ]
    assert not problems, "\n".join(problems)


def chart_problems(i: int, chart: dict, legend: bool, window: dict) -> list[str]:
    """What is wrong with the layout of chart `i` (measured by MEASURE_JS)."""
    drawn = chart["drawn"]
    if drawn is None or not chart["marks"]:
        return [f"chart {i} drew nothing: {chart}"]
    problems = []
    for outer, name in ((chart["chart"], "element"), (chart["holder"], "column")):
        if drawn["width"] > outer["width"] + TOLERANCE_PX or not within(drawn, outer):
            problems.append(f"chart {i} is {drawn['width']:.0f} px wide, over its {name}: {chart}")
    if not within(drawn, window):
        problems.append(f"chart {i} runs past the window ({window['right']} px): {chart}")
    for part in chart["parts"]:
        if not all(within(part, box, TEXT_TOLERANCE_PX) for box in (drawn, chart["holder"])):
            problems.append(f"chart {i} has a legend, axis or label cut off: {part}")
    if chart["renderer"] != "svg":
        return problems  # a canvas has no legend elements to find
    if bool(chart["legends"]) != legend:
        problems.append(f"chart {i} should {'' if legend else 'not '}have a legend: {chart}")
    # Legends below the plot: each starts under the bottom of every y axis.
    plot_bottom = max((axis["bottom"] for axis in chart["yAxes"]), default=float("inf"))
    for box in chart["legends"]:
        if box["top"] < plot_bottom - TOLERANCE_PX:
            problems.append(f"chart {i} has a legend beside the plot, not below: {box}")
    return problems
