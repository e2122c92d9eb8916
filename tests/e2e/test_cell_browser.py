"""Step through one cell in a real browser: the cell diagram and the units table arrive
as SVG (st.html would sanitize every SVG element away; the page uses markdown), fit
their column on a laptop and on a phone, step forward with the button, render their
equations with KaTeX and speak Chinese.

`render_cell` runs here on a page of its own (a small script written for the test that
trains a small run and calls it, as the Inside view does), so this test does not depend
on where the Inside view places it. Screenshots: test-artifacts/cell_<width>_<lang>.png.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


def _e2e_helpers():
    """This directory's conftest as a module of its own name (a plain `import conftest`
    may find tests/conftest.py): its server and browser helpers."""
    spec = importlib.util.spec_from_file_location(
        "e2e_helpers", Path(__file__).with_name("conftest.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _e2e_helpers()
ARTIFACTS, REPO_ROOT = _h.ARTIFACTS, _h.REPO_ROOT
free_port, require_browser, stop_server = _h.free_port, _h.require_browser, _h.stop_server
wait_for_health, watch_errors = _h.wait_for_health, _h.watch_errors

pytestmark = pytest.mark.e2e

SETTLE_TIMEOUT_MS = 180_000  # a cold server imports torch and trains first
TOLERANCE_PX = 1
HEIGHT = 2600  # tall enough for the whole part in one screenshot
PAGE = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from app.context import PageContext
from app.views.cell import render_cell
from playground.config import ExperimentConfig
from playground.pipeline.experiment import SIGNAL
from playground.workshop.instructor import InstructorOptions

st.set_page_config(layout="wide")
q = st.query_params
cfg = ExperimentConfig(
    model=q.get("model", "lstm"), num_layers=int(q.get("layers", "2")),
    hidden_size=32, epochs=5, seq_length=6,
)
ctx = PageContext(q.get("lang", "en"), InstructorOptions(), cfg, SIGNAL)
ctx.result = ctx.run(cfg)
render_cell(ctx, 5)
"""

# The SVGs render_cell shows, and for each its box, its column's and the page's width.
SVGS = '[data-testid="stMarkdownContainer"] svg[role="img"]'
MEASURE_JS = """() => Array.from(document.querySelectorAll('SVGS'))
    .map(s => {
        const r = s.getBoundingClientRect();
        const holder = s.closest('[data-testid="stElementContainer"]').getBoundingClientRect();
        return {
            left: r.left, right: r.right, width: r.width, height: r.height,
            holderLeft: holder.left, holderRight: holder.right,
            title: s.querySelector('title') ? s.querySelector('title').textContent : '',
            text: s.textContent,
            rects: s.querySelectorAll('rect').length,
            arrows: s.querySelectorAll('polygon').length,
            subscripts: s.querySelectorAll('tspan[baseline-shift="sub"]').length,
            tips: s.querySelectorAll('g > title').length,
        };
    })""".replace("SVGS", SVGS)

# True once a run is over, the chart drawn and both SVGs present.
SETTLED_JS = """() => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const svgs = document.querySelectorAll('SVGS');
    const chart = document.querySelector('[data-testid="stVegaLiteChart"] g.role-mark path');
    return svgs.length === 2 && chart !== null;
}""".replace("SVGS", SVGS)


@pytest.fixture(scope="module")
def cell_url(tmp_path_factory) -> Iterator[str]:
    """A Streamlit server running a page that shows render_cell on a small run."""
    require_browser()
    script = tmp_path_factory.mktemp("cell_page") / "cell_page.py"
    script.write_text(PAGE.format(root=str(REPO_ROOT)), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "cell-server.log"
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base_url, proc, log_path)
        yield base_url
    finally:
        stop_server(proc)


def open_cell(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    pg = context.new_page()
    watch_errors(pg)
    pg.goto(url)
    pg.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
    return context, pg


def check_fits(svgs: list[dict], width: int) -> None:
    for s in svgs:
        assert s["width"] > 0 and s["height"] > 0, s["title"]
        assert s["left"] >= s["holderLeft"] - TOLERANCE_PX, s
        assert s["right"] <= s["holderRight"] + TOLERANCE_PX, s
        assert s["right"] <= width + TOLERANCE_PX, s


@pytest.mark.parametrize("width", [1366, 390])
def test_cell_diagram_arrives_whole_fits_and_steps(browser, cell_url, width):
    context, pg = open_cell(browser, cell_url, width)
    try:
        diagram, table = pg.evaluate(MEASURE_JS)
        assert diagram["title"].startswith("LSTM cell · layer 2 of 2 · step 1 of 6 · unit ")
        # Nothing was sanitized away: boxes, arrowheads, subscripts, tooltips.
        assert diagram["rects"] >= 9 and diagram["arrows"] >= 10, diagram
        assert diagram["subscripts"] >= 6 and diagram["tips"] >= 8, diagram
        assert "forget f" in diagram["text"] and "candidate g" in diagram["text"]
        assert table["rects"] >= 8 * 8 and "unit" in table["text"]
        check_fits([diagram, table], width)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert pg.locator(".katex").count() >= 3  # equations, arithmetic, x_t in a caption
        pg.screenshot(path=str(ARTIFACTS / f"cell_{width}_en.png"), full_page=True)

        pg.locator('[data-testid="stButton"] button', has_text="Next step").click()
        pg.wait_for_function(
            """() => Array.from(document.querySelectorAll('svg[role="img"] > title'))
                .some(t => t.textContent.includes('step 2 of 6'))""",
            timeout=SETTLE_TIMEOUT_MS,
        )
        pg.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
        check_fits(pg.evaluate(MEASURE_JS), width)
        assert not pg.console_errors, pg.console_errors
    finally:
        context.close()


@pytest.mark.parametrize("model", ["gru", "rnn"])
def test_cell_diagram_in_chinese(browser, cell_url, model):
    context, pg = open_cell(browser, f"{cell_url}/?lang=zh&model={model}&layers=1", 1366)
    try:
        diagram, table = pg.evaluate(MEASURE_JS)
        assert diagram["title"].startswith(f"{model.upper()} 单元 · 第 1 层（共 1 层）")
        names = {"gru": ("更新门 z", "重置门 r", "候选值 n"), "rnn": ("新状态",)}[model]
        for name in names:
            assert name in diagram["text"]
        assert "第 1 步变化最大的单元" in table["text"]
        check_fits([diagram, table], 1366)
        assert pg.locator('[data-testid="stButton"] button', has_text="下一步").count() == 1
        pg.screenshot(path=str(ARTIFACTS / f"cell_1366_zh_{model}.png"), full_page=True)
        assert not pg.console_errors, pg.console_errors
    finally:
        context.close()
