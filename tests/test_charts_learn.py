"""Learning-view charts build from the package's own frames with the intended encodings,
in English and in Chinese over the same data."""

import pandas as pd
import pytest

from playground import ExperimentConfig
from playground import charts as cl
from playground.views.compare import compare_models
from playground.pipeline.experiment import fit
from playground.views.forecast import forecast_frames
from playground.views import gradient_norms, inside_frames
from speckit import (
    assert_tooltips_labelled,
    english_words,
    has_cjk,
    shown_labels,
    titles,
    without_text,
)

CFG = ExperimentConfig(epochs=3, hidden_size=6)


def layers(spec):
    return spec.get("layer") or spec.get("vconcat") or [spec]


def enc(spec, i=0):
    return layers(spec)[i]["encoding"]


def mark(spec, i=0):
    m = layers(spec)[i]["mark"]
    return m["type"] if isinstance(m, dict) else m


SWEEP = pd.DataFrame(
    {
        "model": ["rnn", "gru"],
        "lag": [5, 5],
        "seed": [0, 0],
        "test_mse": [0.01, 0.02],
        "relative_mse": [0.03, 0.06],
    }
)


@pytest.fixture(scope="module")
def frames():
    lstm = fit(CFG.__class__(**{**CFG.__dict__, "model": "lstm"}))
    return {
        "cmp": compare_models(CFG, models=("rnn", "gru")),
        "fc": forecast_frames({"lstm": lstm}, beyond=5),
        "inside": inside_frames(lstm),
        "grad": gradient_norms(CFG, models=("rnn",)),
    }


def test_compare_charts(frames):
    spec = cl.compare_chart(frames["cmp"].predictions).to_dict()
    assert [mark(spec, 0), mark(spec, 1)] == ["circle", "line"]
    assert enc(spec, 1)["color"]["field"] == "model" and enc(spec, 1)["x"]["type"] == "quantitative"
    spec = cl.compare_loss_chart(frames["cmp"].losses).to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["encoding"]["strokeDash"]["field"] == "split"


def test_forecast_and_horizon_charts(frames):
    spec = cl.forecast_chart(frames["fc"].paths).to_dict()
    assert enc(spec, 1)["strokeDash"]["field"] == "mode"
    spec = cl.horizon_chart(frames["fc"].horizon).to_dict()
    assert spec["encoding"]["x"]["field"] == "horizon" and spec["encoding"]["y"]["field"] == "mse"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"model_label", "mse", "n_origins"}


def test_inside_charts(frames):
    ins = frames["inside"]
    spec = cl.hidden_heatmap(ins.hidden).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["x"] == {"field": "step", "title": "time step", "type": "ordinal"}
    zh = cl.hidden_heatmap(ins.hidden, "zh").to_dict()
    assert zh["encoding"]["x"] == {"field": "step", "title": "时间步", "type": "ordinal"}
    assert spec["encoding"]["color"]["field"] == "value"
    spec = cl.gates_chart(ins.gates, ins.inputs).to_dict()
    assert len(spec["vconcat"]) == 2
    assert spec["vconcat"][0]["encoding"]["y"]["field"] == "value"
    assert spec["vconcat"][1]["layer"][1]["encoding"]["color"]["field"] == "gate"
    spec = cl.trajectory_chart(ins.trajectory).to_dict()
    assert spec["encoding"]["order"]["field"] == "window"
    assert (spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"]) == ("pc1", "pc2")


def test_gradient_and_memory_charts(frames):
    spec = cl.gradient_chart(frames["grad"].frame).to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["encoding"]["strokeDash"]["field"] == "stage"
    spec = cl.memory_chart(SWEEP).to_dict()
    assert mark(spec, 0) == "circle" and enc(spec, 1)["y"]["aggregate"] == "median"


# ---- Language -------------------------------------------------------------------------
# Each builder over the fixture's frames; and the labels its Chinese legends must show.
CHARTS = {
    "compare": (lambda f, lang: cl.compare_chart(f["cmp"].predictions, lang)),
    "compare_loss": (lambda f, lang: cl.compare_loss_chart(f["cmp"].losses, lang)),
    "forecast": (lambda f, lang: cl.forecast_chart(f["fc"].paths, lang)),
    "horizon": (lambda f, lang: cl.horizon_chart(f["fc"].horizon, lang)),
    "hidden": (lambda f, lang: cl.hidden_heatmap(f["inside"].hidden, lang)),
    "gates": (lambda f, lang: cl.gates_chart(f["inside"].gates, f["inside"].inputs, lang)),
    "trajectory": (lambda f, lang: cl.trajectory_chart(f["inside"].trajectory, lang)),
    "gradient": (lambda f, lang: cl.gradient_chart(f["grad"].frame, lang)),
    "memory": (lambda f, lang: cl.memory_chart(SWEEP, lang)),
}
MODELS_ZH = {"truth": "真实值", "rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
ZH_LABELS = {
    "compare": MODELS_ZH,
    "compare_loss": {**MODELS_ZH, "train": "训练集", "test": "测试集"},
    "forecast": {**MODELS_ZH, "persistence": "重复最后一个值", "one_step": "单步"},
    "horizon": {**MODELS_ZH, "linear_ar": "线性自回归"},
    "hidden": {},
    "gates": {"input": "输入门", "forget": "遗忘门", "reset": "重置门", "update": "更新门"},
    "trajectory": {},
    "gradient": {**MODELS_ZH, "init": "初始", "trained": "训练后"},
    "memory": MODELS_ZH,
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chinese_chart_has_chinese_words_over_the_same_data(frames, name):
    en = CHARTS[name](frames, "en").to_dict()
    zh = CHARTS[name](frames, "zh").to_dict()
    assert without_text(zh) == without_text(en)  # same data, marks and encodings
    zh_titles, en_titles = titles(zh), titles(en)
    assert zh_titles and all(has_cjk(title) for title in zh_titles), zh_titles
    assert not [w for title in zh_titles for w in english_words(title)], zh_titles
    assert not set(zh_titles) & set(en_titles)
    assert not any(has_cjk(title) for title in en_titles), en_titles
    shown = shown_labels(zh)
    assert ZH_LABELS[name].items() <= shown.items(), shown
    assert set(shown_labels(en)) == set(shown)
    # Only model names stay as they are; every other label is a Chinese word.
    assert all(has_cjk(label) for label in shown.values() if label not in ("RNN", "LSTM", "GRU"))
    assert_tooltips_labelled(zh)


def legend_values(spec) -> list[list[str]]:
    """The entries each model legend of a spec lists."""
    found = []
    for layer in layers(spec):
        color = layer.get("encoding", {}).get("color", {})
        if color.get("field") == "model":
            found.append(color["legend"]["values"])
    return found


@pytest.mark.parametrize(
    "build, shown",
    [
        (lambda f: cl.compare_chart(f["cmp"].predictions), ["truth", "rnn", "gru"]),
        (lambda f: cl.compare_loss_chart(f["cmp"].losses), ["rnn", "gru"]),
        (lambda f: cl.horizon_chart(f["fc"].horizon), ["lstm", "persistence", "linear_ar"]),
        (lambda f: cl.gradient_chart(f["grad"].frame), ["rnn"]),
        (lambda f: cl.memory_chart(SWEEP), ["rnn", "gru"]),
    ],
)
def test_model_legends_list_only_the_models_drawn(frames, build, shown):
    values = legend_values(build(frames).to_dict())
    assert values and all(v == shown for v in values)
