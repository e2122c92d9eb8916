"""Workshop controls in a real browser: language, scenario presets, and the learning tabs.

Reuses the server, browser and error-checking `page` fixtures of conftest.py and the
helpers of test_browser.py. Views other than "Train & predict" add charts of their own,
so these tests wait for "at least n charts, every visible one drawn" instead of exactly 3.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_browser import (
    ARTIFACTS,
    CHARTS,
    SETTLE_TIMEOUT_MS,
    assert_healthy,
    selectbox_value,
    settle,
    slider_value,
    url_params,
)

pytestmark = pytest.mark.e2e

LOCALES = Path(__file__).resolve().parents[2] / "playground" / "locales"
EN = json.loads((LOCALES / "en.json").read_text(encoding="utf-8"))
ZH = json.loads((LOCALES / "zh.json").read_text(encoding="utf-8"))

# True when a run has finished and at least n charts exist, each visible one with marks.
SETTLED_AT_LEAST_JS = """(n) => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const charts = Array.from(document.querySelectorAll('CHARTS'));
    if (charts.length < n) return false;
    for (const c of charts) {
        if (c.offsetParent === null) continue;  // in a hidden tab
        if (!c.querySelector('svg.marks g.role-mark path')) return false;
    }
    return true;
}""".replace("CHARTS", CHARTS)
STABLE_PAUSE_MS = 750


def settle_at_least(page, n: int) -> int:
    """Wait until a run is over with >= n charts drawn and the count holds; return it."""
    page.wait_for_function(SETTLED_AT_LEAST_JS, arg=n, timeout=SETTLE_TIMEOUT_MS)
    count = page.locator(CHARTS).count()
    for _ in range(20):
        page.wait_for_timeout(STABLE_PAUSE_MS)
        page.wait_for_function(SETTLED_AT_LEAST_JS, arg=n, timeout=SETTLE_TIMEOUT_MS)
        now = page.locator(CHARTS).count()
        if now == count:
            return now
        count = now
    raise AssertionError("chart count kept changing")


def settle_on_view(page, n: int) -> int:
    """Wait until the open tab shows >= n drawn charts and the page's count holds; return
    the count. Only the open tab draws: every chart on the page is then on screen."""
    page.wait_for_function(
        "n => Array.from(document.querySelectorAll('CHARTS')).filter(c => c.offsetParent"
        " !== null && c.querySelector('svg.marks g.role-mark path')).length >= n".replace(
            "CHARTS", CHARTS
        ),
        arg=n,
        timeout=SETTLE_TIMEOUT_MS,
    )
    count = settle_at_least(page, n)
    assert visible_drawn_charts(page) == count, "a closed tab drew charts"
    return count


def choose(page, key: str, option: str) -> None:
    """Open the selectbox keyed `key` and click the option labelled `option`."""
    page.locator(f".st-key-{key} input[role=combobox]").click()
    page.get_by_role("option", name=option, exact=True).click()


def selected_tab(page) -> str:
    """The label of the open tab."""
    return page.get_by_role("tab", selected=True).inner_text().strip()


def visible_drawn_charts(page) -> int:
    """Charts on screen (not in a hidden tab) whose marks are drawn."""
    return page.locator(CHARTS).evaluate_all(
        "cs => cs.filter(c => c.offsetParent !== null"
        " && c.querySelector('svg.marks g.role-mark path')).length"
    )


# The words Vega drew in each chart (axis and legend titles and labels, facet headers).
CHART_TEXTS_JS = """() => Array.from(document.querySelectorAll('CHARTS')).map(chart =>
    Array.from(chart.querySelectorAll('svg text')).map(t => t.textContent))""".replace(
    "CHARTS", CHARTS
)
# Per main chart (predictions, loss, errors): locale keys of words it must show.
CHART_WORDS = (
    ("chart.title.t", "chart.title.series", "chart.series.truth", "chart.series.prediction"),
    ("chart.title.epoch", "chart.title.mse_log", "chart.split.train", "chart.split.test"),
    # the errors chart's bars carry the short split names ("测试", not "测试集")
    ("chart.metric.mse", "chart.metric.mae", "chart.metric.rmse", "chart.split_short.test"),
)


def chart_words_shown(page, strings: dict[str, str]) -> None:
    """Wait until each main chart draws its words in the language of `strings`."""
    wanted = [[strings[key] for key in keys] for keys in CHART_WORDS]
    page.wait_for_function(
        f"""(wanted) => {{
            const drawn = ({CHART_TEXTS_JS})();
            return wanted.every((words, i) => drawn[i] && words.every(w => drawn[i].includes(w)));
        }}""",
        arg=wanted,
        timeout=SETTLE_TIMEOUT_MS,
    )


def test_switching_language_to_chinese_relabels_and_redraws(app_url, page):
    page.goto(f"{app_url}/?lang=en")
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == EN["app.title"]
    chart_words_shown(page, EN)

    choose(page, "lang", EN["lang.zh"])
    page.wait_for_function(
        "t => document.querySelector('h1') && document.querySelector('h1').innerText.trim() === t",
        arg=ZH["app.title"],
        timeout=SETTLE_TIMEOUT_MS,
    )
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == ZH["app.title"]
    assert url_params(page).get("lang") == ["zh"]
    assert selected_tab(page) == ZH["view.train.title"]
    assert visible_drawn_charts(page) == 3
    # Vega drew the Chinese titles and labels (legend, axis and header label expressions).
    chart_words_shown(page, ZH)
    drawn = " ".join(w for chart in page.evaluate(CHART_TEXTS_JS) for w in chart)
    for key in ("chart.series.truth", "chart.title.epoch", "chart.split.train"):
        assert EN[key] not in drawn, (key, drawn)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(CHARTS).first.screenshot(path=str(ARTIFACTS / "chart_zh.png"))
    assert_healthy(page)


def test_choosing_a_preset_sets_controls_url_and_tab(app_url, page):
    page.goto(f"{app_url}/?lang=en")
    settle(page)
    assert slider_value(page, "seq_length") == 10
    assert selected_tab(page) == EN["view.train.title"]

    choose(page, "preset", EN["preset.vanishing_gradients.title"])
    page.wait_for_function(
        "() => document.querySelector('.st-key-seq_length input[type=range]')?.value === '50'",
        timeout=SETTLE_TIMEOUT_MS,
    )
    settle_on_view(page, 2)  # the Gradients tab: gradients, what a prediction used

    # The preset's config: plain RNN, 200 points, a window of 50.
    # (Streamlit 1.67 sliders are <input type=range> with aria-valuetext, no aria-valuenow.)
    for name, value in (("seq_length", 50), ("n_points", 200)):
        assert slider_value(page, name) == value
        thumb = page.locator(f".st-key-{name} input[type=range]")
        assert thumb.get_attribute("aria-valuetext") == str(value)
    assert selectbox_value(page, "model") == "RNN"
    params = url_params(page)
    assert params.get("seq_length") == ["50"]
    assert params.get("n_points") == ["200"]
    assert params.get("preset") == ["vanishing_gradients"]
    assert params.get("view") == ["gradients"]
    assert selected_tab(page) == EN["view.gradients.title"]
    assert visible_drawn_charts(page) >= 1
    assert_healthy(page)


@pytest.mark.parametrize("view", ["compare", "gradients"])
def test_learning_tab_draws_its_charts(app_url, page, view):
    page.goto(f"{app_url}/?lang=en&epochs=5")
    settle(page)
    assert page.locator(CHARTS).count() == 3

    page.get_by_role("tab", name=EN[f"view.{view}.title"], exact=True).click()
    assert settle_on_view(page, 2) >= 2  # its own charts, and the Train tab's are gone
    assert selected_tab(page) == EN[f"view.{view}.title"]
    assert url_params(page).get("view") == [view]
    assert visible_drawn_charts(page) >= 1
    assert_healthy(page)
