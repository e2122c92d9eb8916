"""The charts a room reads (issue 25): log axes written as people write numbers, train and
test in one pair of colours everywhere (the replay too), the errors chart's labels short
enough for its bars, the seed spread tall with its dots apart, the cue's label clear of
the dots. Specs only: the browser's drawing is checked in tests/e2e/test_room_browser.py."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground import ExperimentConfig, run_experiment
from playground.charts.labels import (
    LOG_FORMAT,
    PLAIN_LOG_RANGE,
    SPLIT_COLORS,
    SPLITS,
    LOG_TICKS_MOST,
    log_axis,
    log_label_expr,
    log_ticks,
)
from playground.charts.replay import replay_data, replay_html
from playground.charts.saliency import recall_saliency_chart
from playground.charts.seeds import PLOT_HEIGHT, seed_spread_chart, spread_domain
from playground.charts.train import loss_chart, metrics_chart
from playground.i18n import t
from playground.views.memory import MemoryConfig, memory_runs
from speckit import nodes


@pytest.fixture(scope="module")
def result():
    return run_experiment(ExperimentConfig(epochs=4, hidden_size=4))


def color_ranges(spec: dict) -> list[list[str]]:
    return [
        n["scale"]["range"]
        for n in nodes(spec)
        if n.get("field") == "split" and "scale" in n and "range" in n["scale"]
    ]


# ---- Log axes -----------------------------------------------------------------------------
def test_log_axes_label_with_the_expression_and_no_e_notation_format():
    axis = log_axis().to_dict()
    assert axis["labelExpr"] == log_label_expr() and axis["format"] == LOG_FORMAT
    assert "e" not in LOG_FORMAT  # the fallback is not e-notation either
    expr = log_label_expr()
    low, high = PLAIN_LOG_RANGE
    assert f">= {low:g}" in expr and f"< {high:g}" in expr and "'~s'" in expr
    for sup in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻":  # powers of ten written with superscripts
        assert sup in expr


def test_the_replay_writes_its_loss_axis_as_the_page_does(result):
    html = replay_html(result)
    assert '"1e" +' not in html and "powerLabel" in html
    assert replay_data(result)["plain"] == [np.log10(v) for v in PLAIN_LOG_RANGE]


# ---- One pair of colours for train and test -----------------------------------------------
def test_loss_errors_and_replay_colour_train_and_test_alike(result):
    expected = [SPLIT_COLORS[s] for s in SPLITS]
    assert color_ranges(loss_chart(result.losses).to_dict()) == [expected]
    assert color_ranges(metrics_chart(result.metrics).to_dict()) == [expected]
    assert replay_data(result)["colors"] == SPLIT_COLORS
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in expected) and len(set(expected)) == 2


# ---- The errors chart: labels that fit its bars -------------------------------------------
def test_the_errors_chart_labels_its_bars_briefly_in_every_language(result):
    for lang, most in (("en", 5), ("zh", 2)):  # 2 CJK glyphs (~22 px) under a 32 px bar
        spec = metrics_chart(result.metrics, lang).to_dict()
        x_axis = spec["spec"]["encoding"]["x"]["axis"]
        for split in SPLITS:
            short = t(lang, f"chart.split_short.{split}")
            assert len(short) <= most and f'"{short}"' in x_axis["labelExpr"]
        if lang == "zh":  # not the full "测试集", which ran into "训练集"
            assert f'"{t(lang, "chart.split.test")}"' not in x_axis["labelExpr"]


# ---- The seed spread: tall, dots apart, labelled over its own range -----------------------
def metrics_of(mse: dict[tuple[str, int], float]) -> pd.DataFrame:
    rows = [
        {"model": m, "seed": s, "split": "test", "mse": v, "mae": v, "rmse": v}
        for (m, s), v in mse.items()
    ]
    return pd.DataFrame(rows)


def test_the_seed_spread_is_tall_and_sets_its_dots_apart():
    frame = metrics_of(
        {("rnn", 0): 0.011, ("rnn", 1): 0.0112, ("lstm", 0): 0.02, ("lstm", 1): 0.007}
    )
    spec = seed_spread_chart(frame).to_dict()
    assert spec["height"] == PLOT_HEIGHT >= 240
    dots = spec["layer"][0]
    assert dots["encoding"]["xOffset"]["field"] == "seed"  # two close errors side by side
    y = dots["encoding"]["y"]
    assert y["scale"]["nice"] is False  # the data's range, not widened to powers of ten
    assert y["axis"]["values"] == [0.01, 0.02]  # not 0.007, 0.0091, 0.012, ...


def test_a_narrow_seed_spread_widens_to_the_nearest_leading_digits():
    frame = metrics_of({("rnn", 0): 0.011, ("rnn", 1): 0.012, ("gru", 0): 0.014})
    y = seed_spread_chart(frame).to_dict()["layer"][0]["encoding"]["y"]
    assert y["scale"]["domain"] == [0.01, 0.02] and y["axis"]["values"] == [0.01, 0.02]
    assert spread_domain(np.array([0.007, 0.02])) is None  # wide enough: its own range


def mantissas(ticks: list[float]) -> set[int]:
    """The leading digits of `ticks` (each a digit times a power of ten)."""
    out = set()
    for v in ticks:
        m = float(f"{v:.0e}".split("e")[0])
        assert v == pytest.approx(float(f"{v:.0e}"), rel=1e-9), v  # one significant digit
        out.add(int(m))
    return out


@given(st.lists(st.floats(1e-12, 1e6), min_size=1, max_size=30), st.booleans())
def test_log_ticks_are_decades_or_1_2_5_the_same_in_every_decade(values, nice):
    ticks = log_ticks(values, nice)
    assert ticks == sorted(set(ticks)) and len(ticks) <= LOG_TICKS_MOST
    digits = mantissas(ticks)
    assert digits <= {1} or digits <= {1, 2, 5} or len(ticks) < 2 or not nice
    lo, hi = min(values), max(values)
    if nice:
        assert len(ticks) >= 2  # within the whole decades that hold the data (Vega's nice)
        first = np.floor(np.log10(lo))
        last = max(np.ceil(np.log10(hi)), first + 1)
        assert 10**first * (1 - 1e-9) <= ticks[0] and ticks[-1] <= 10**last * (1 + 1e-9)
    else:
        assert all(lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9) for v in ticks)


def test_log_ticks_of_nothing_positive_are_none():
    assert log_ticks([0.0, float("nan")]) == []


def test_the_issue_s_axes_label_decades_or_1_2_5():
    # Issue 40: Vega alone labelled 1, 0.2, 0.03, 0.004, 5×10⁻⁴ (a new digit each decade).
    assert log_ticks([0.0004, 1.2]) == [1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0]
    assert log_ticks([0.05, 0.8]) == [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    assert log_ticks([0.012, 0.8], nice=False) == [0.02, 0.05, 0.1, 0.2, 0.5]


def log_axes(spec: dict) -> list[dict]:
    """Every axis of a log scale in `spec`: (axis, scale) of each encoding that has one."""
    return [n for n in nodes(spec) if n.get("scale", {}).get("type") == "log"]


def test_every_log_axis_of_the_page_s_charts_is_labelled_at_decades_or_1_2_5(result):
    from playground.charts.board import board_chart
    from playground.charts.compare import compare_loss_chart
    from playground.charts.gradients import gradient_chart, update_chart
    from playground.charts.saliency import saliency_chart

    losses = result.losses.assign(model="rnn")
    steps = pd.DataFrame(
        {"model": "rnn", "stage": ["initial", "trained"] * 5, "step": range(10),
         "grad_norm": np.geomspace(3e-5, 0.9, 10)}
    )  # fmt: skip
    updates = pd.DataFrame({"clipping": 0.0, "epoch": range(10), "update_size": steps.grad_norm})
    saliency = pd.DataFrame({"model": "rnn", "lag": range(10), "saliency": steps.grad_norm})
    board = pd.DataFrame(
        {"name": ["a", "b"], "model": ["rnn", "gru"], "score": [0.004, 0.3],
         "learning_rate": [0.001, 0.03]}
    )  # fmt: skip
    charts = {
        "loss": loss_chart(result.losses),
        "compare": compare_loss_chart(losses),
        "gradients": gradient_chart(steps),
        "updates": update_chart(updates),
        "saliency": saliency_chart(saliency),
        "seeds": seed_spread_chart(metrics_of({("rnn", 0): 0.04, ("gru", 0): 0.6})),
        "board": board_chart(board, "learning_rate", "rmse"),
    }
    for name, chart in charts.items():
        found = log_axes(chart.to_dict())
        assert found, name
        for enc in found:
            ticks = enc.get("axis", {}).get("values")
            assert ticks and len(ticks) >= 2, (name, enc)
            assert mantissas(ticks) <= {1, 2, 5}, (name, ticks)


# ---- Long memory: the cue's label above the plot, where no dot covers it ------------------
def test_the_cue_label_is_written_above_the_plot():
    runs = memory_runs(
        MemoryConfig(lags=(3,), models=("rnn", "gru"), seeds=(0,), epochs=3, n_train=16)
    )
    spec = recall_saliency_chart(runs.saliency).to_dict()
    texts = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "text"]
    assert len(texts) == 1
    mark = texts[0]["mark"]
    assert texts[0]["encoding"]["y"] == {"value": 0}
    assert mark["baseline"] == "bottom" and mark["dy"] < 0  # above the plot's top edge


# ---- The cell pictures: how narrow they may be drawn --------------------------------------
def test_a_pictures_min_width_keeps_its_smallest_text_at_10_px():
    from playground.charts.svg import MIN_TEXT_PX, WIDTH, _svg, _text, min_width_px

    body = _text(10, 10, "x_{t−1}", 12) + _text(10, 30, "legend", 10.5)
    least = min_width_px(body)  # the subscript: 12 x 0.75 = 9 units
    assert least == int(np.ceil(WIDTH * MIN_TEXT_PX / 9))
    assert least * 9 / WIDTH >= MIN_TEXT_PX and (least - 1) * 9 / WIDTH < MIN_TEXT_PX
    assert f"--min-width:{least}px" in _svg(100, [body], "label")
    assert min_width_px("") == 0


# ---- Forecast: the forecasts take the chart, not the whole history ------------------------
def test_the_forecast_chart_shows_the_forecasts_and_the_history_just_before():
    from playground.charts.forecast import HISTORY_SHOWN, forecast_chart, shown_span
    from playground.pipeline.experiment import fitted_models
    from playground.views.forecast import forecast_frames

    cfg = ExperimentConfig(epochs=3, hidden_size=4)
    paths = forecast_frames(fitted_models(cfg, ("rnn",))).paths
    start, end = shown_span(paths)
    test_start = paths[(paths["mode"] == "observed") & (paths.region == "test")].t.min()
    assert end == paths.t.max() and paths.t.min() < start < test_start
    assert test_start - start == pytest.approx(HISTORY_SHOWN * (end - test_start))
    # The forecasts (test and beyond) take about half the width, not the last sixth.
    assert (end - test_start) / (end - start) == pytest.approx(1 / (1 + HISTORY_SHOWN))
    spec = forecast_chart(paths).to_dict()
    domains = [n["scale"]["domain"] for n in nodes(spec) if n.get("field") == "t" and "scale" in n]
    assert [start, end] in domains
    assert all(layer["mark"].get("clip") for layer in spec["layer"][-2:])  # lines and points
