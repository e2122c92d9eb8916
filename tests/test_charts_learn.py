"""Learning-view charts build from the package's own frames with the intended encodings,
in English and in Chinese over the same data."""

import altair as alt
import pandas as pd
import pytest

from playground import ExperimentConfig
from playground import charts as cl
from playground.views.compare import compare_models
from playground.pipeline.experiment import fit
from playground.views.forecast import forecast_frames
from playground.views.gradients import gradient_norms
from playground.views.inside import inside_frames
from playground.charts.labels import LOG_FORMAT
from speckit import (
    assert_tooltips_labelled,
    channel_defs,
    english_words,
    filters,
    has_cjk,
    legends,
    log_axes,
    mark_type,
    nodes,
    rows,
    shown_labels,
    titles,
    units,
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
    gru = fit(CFG.__class__(**{**CFG.__dict__, "model": "gru"}))
    return {
        "cmp": compare_models(CFG, models=("rnn", "gru")),
        "fc": forecast_frames({"lstm": lstm}, beyond=5),
        "inside": inside_frames(lstm),
        "inside_gru": inside_frames(gru),
        "grad": gradient_norms(CFG, models=("rnn",)),
    }


def drawn(spec) -> list[str]:
    """The mark types of a spec's unit views, in drawing order."""
    return [mark_type(u) for u in units(spec)]


def regions(spec) -> dict[str, tuple[float, float]]:
    """The shaded regions of a chart: region key -> (start, end) on the time axis."""
    return {r["region"]: (r["start"], r["end"]) for r in rows(spec, "region", "start", "end")}


def test_compare_charts(frames):
    spec = cl.compare_chart(frames["cmp"].predictions).to_dict()
    marks = drawn(spec)
    assert marks[0] == "rect"  # the shaded test region, under the data
    line, dots = marks.index("line"), marks.index("circle")
    assert line < dots  # the observed points above the lines
    enc = units(spec)[line]["encoding"]
    assert enc["color"]["field"] == "model" and enc["x"]["type"] == "quantitative"
    spec = cl.compare_loss_chart(frames["cmp"].losses).to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["encoding"]["strokeDash"]["field"] == "split"


def test_compare_chart_shades_the_test_region_like_the_train_chart(frames):
    preds = frames["cmp"].predictions
    test = preds[(preds.model == "truth") & (preds.split == "test")].t
    spec = cl.compare_chart(preds).to_dict()
    assert regions(spec) == {"test": (test.min(), test.max())}
    [band] = [u for u in units(spec) if mark_type(u) == "rect"]
    assert band["encoding"]["x"]["field"] == "start" and band["encoding"]["x2"]["field"] == "end"


def test_forecast_and_horizon_charts(frames):
    spec = cl.forecast_chart(frames["fc"].paths).to_dict()
    [dash] = channel_defs(spec, "strokeDash")
    assert dash["field"] == "mode" and dash["legend"]["symbolType"] == "stroke"
    spec = cl.horizon_chart(frames["fc"].horizon).to_dict()
    assert spec["encoding"]["x"]["field"] == "horizon" and spec["encoding"]["y"]["field"] == "mse"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"model_label", "mse", "n_origins"}


def test_forecast_chart_shades_test_and_marks_the_end_of_the_data(frames):
    paths = frames["fc"].paths
    observed = paths[paths["mode"] == "observed"]
    test = observed[observed.region == "test"].t
    spec = cl.forecast_chart(paths).to_dict()
    assert regions(spec) == {
        "test": (test.min(), test.max()),
        "beyond": (observed.t.max(), paths[paths.region == "beyond"].t.max()),
    }
    marks = drawn(spec)
    assert marks[0] == "rect" and "rule" in marks  # a rule where the data ends
    [rule] = [u for u in units(spec) if mark_type(u) == "rule"]
    assert "beyond" in str(filters(rule)) and rule["encoding"]["x"]["field"] == "start"
    # The two regions are shaded apart, and each is written in the chart.
    [band] = [u for u in units(spec) if mark_type(u) == "rect"]
    shades = band["encoding"]["fill"]["scale"]
    assert shades["domain"] == ["test", "beyond"] and len(set(shades["range"])) == 2
    texts = [u["encoding"]["text"]["field"] for u in units(spec) if mark_type(u) == "text"]
    assert texts == ["region_label", "region_label"]


def test_inside_charts(frames):
    ins = frames["inside"]
    spec = cl.hidden_heatmap(ins.hidden).to_dict()
    assert spec["mark"]["type"] == "rect"
    x = spec["encoding"]["x"]
    assert (x["field"], x["title"], x["type"]) == ("step", "time step", "ordinal")
    zh = cl.hidden_heatmap(ins.hidden, "zh").to_dict()
    assert (zh["encoding"]["x"]["title"], zh["encoding"]["x"]["type"]) == ("时间步", "ordinal")
    assert spec["encoding"]["color"]["field"] == "value"
    spec = cl.gates_chart(ins.gates, ins.inputs).to_dict()
    first = units(spec)[0]
    assert first["encoding"]["y"]["field"] == "value"  # the window's input, on top
    assert any(d["field"] == "gate" for d in channel_defs(spec, "color"))
    spec = cl.trajectory_chart(ins.trajectory).to_dict()
    assert spec["encoding"]["order"]["field"] == "window"
    assert (spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"]) == ("pc1", "pc2")


def y_panels(spec) -> dict[str, dict]:
    """Gates chart: the y scale of each panel, by the title of its axis."""
    return {d["title"]: d["scale"] for d in channel_defs(spec, "y")}


def test_gates_and_cell_state_are_drawn_on_separate_scales(frames):
    """The cell state is not bounded: on the gates' 0..1 axis it squashed them."""
    spec = cl.gates_chart(frames["inside"].gates, frames["inside"].inputs).to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    panels = y_panels(spec)
    assert set(panels) == {"input", "gate value", "cell state"}
    assert panels["gate value"]["domain"] == [0, 1]  # fixed: a gate is a share
    assert "domain" not in panels["cell state"]
    # Panels one under the other: their pixel ranges ([bottom, top]) do not overlap.
    spans = sorted((r["range"][1], r["range"][0]) for r in panels.values())
    assert all(top >= bottom for (_, bottom), (top, _) in zip(spans, spans[1:]))
    assert spec["height"] >= spans[-1][1]
    # The cell state rows go to their own panel (one colour, no legend entry).
    assert {r["gate"] for r in rows(spec, "gate")} == {"input", "forget", "output", "cell_state"}
    cell = [u for u in units(spec) if u["encoding"]["y"]["title"] == "cell state"]
    assert cell and all("value" in u["encoding"]["color"] for u in cell)
    [gate_color] = {str(d) for d in channel_defs(spec, "color") if "field" in d}
    assert "'field': 'gate'" in gate_color


def test_gru_gates_chart_has_no_cell_state_panel(frames):
    ins = frames["inside_gru"]
    spec = cl.gates_chart(ins.gates, ins.inputs).to_dict()
    assert set(y_panels(spec)) == {"input", "gate value"}


def test_gates_chart_fits_its_container(frames):
    """Drawn 1155 px wide in a 980 px column: it must take its container's width (the
    page draws it with width="stretch"), which only a single or layered view can do."""
    spec = cl.gates_chart(frames["inside"].gates, frames["inside"].inputs).to_dict()
    assert "layer" in spec and not {"vconcat", "hconcat", "concat"} & set(spec)
    assert not [n for n in nodes(spec) if isinstance(n.get("width"), int | float)]
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert all(lg["orient"] == "bottom" for lg in legends(spec))


@pytest.mark.parametrize("name", ["gates", "hidden", "gradient"])
def test_time_step_axes_show_whole_steps(frames, name):
    """Steps are whole numbers: no tick at 1.5."""
    for x in channel_defs(CHARTS[name](frames, "en").to_dict(), "x"):
        if x["type"] == "quantitative":
            assert x["axis"]["format"] == "d" and x["axis"]["tickMinStep"] == 1, x
        else:
            assert x["type"] == "ordinal", x


def test_gradient_and_memory_charts(frames):
    spec = cl.gradient_chart(frames["grad"].frame).to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["encoding"]["strokeDash"]["field"] == "stage"
    spec = cl.memory_chart(SWEEP).to_dict()
    assert mark(spec, 0) == "circle" and enc(spec, 1)["y"]["aggregate"] == "median"


def test_gradient_stages_look_different_in_plot_and_legend(frames):
    """ "initial" and "trained" showed as two identical black dots in the legend."""
    spec = cl.gradient_chart(frames["grad"].frame).to_dict()
    [dash] = channel_defs(spec, "strokeDash")
    [fade] = channel_defs(spec, "opacity")
    for channel in (dash, fade):
        assert channel["field"] == "stage" and channel["scale"]["domain"] == ["init", "trained"]
        assert len({str(v) for v in channel["scale"]["range"]}) == 2
    # One legend (same field and title) drawn with line samples, not dots.
    assert dash["title"] == fade["title"]
    assert dash["legend"]["symbolType"] == "stroke" and dash["legend"]["symbolStrokeWidth"] >= 2
    # A line with point overlays gives its legend filled dots, whatever the symbol type.
    assert mark_type(spec) == "line" and "point" not in spec["mark"]


@pytest.mark.parametrize("name", ["compare_loss", "gradient"])
def test_log_axes_write_every_label_in_one_format(frames, name):
    """Not 1e-14 next to 0.000001 next to 0.01."""
    axes = log_axes(CHARTS[name](frames, "en").to_dict())
    assert axes and all(axis.get("format") == LOG_FORMAT for axis in axes)


@pytest.mark.parametrize("name", ["compare", "compare_loss", "forecast", "horizon", "gates",
                                  "gradient", "memory", "hidden", "trajectory"])  # fmt: skip
def test_legends_sit_below_the_plot(frames, name):
    """A legend beside the plot takes a phone's width from the plot."""
    spec = CHARTS[name](frames, "en").to_dict()
    found = legends(spec)
    assert found and all(lg["orient"] == "bottom" for lg in found)


@pytest.mark.parametrize("name", ["compare", "compare_loss", "forecast", "horizon", "gates",
                                  "gradient", "memory", "hidden"])  # fmt: skip
def test_charts_fit_the_column_width_and_keep_their_plot_height(frames, name):
    """Fit in width only: a plain "fit" takes the legends below the plot out of its
    height (a 260 px loss chart with two legends kept a 50 px plot)."""
    spec = CHARTS[name](frames, "en").to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_trajectory_chart_can_be_layered(frames):
    """The page rings the traced window over it: a layer's parts carry no autosize."""
    ins = frames["inside"]
    spec = alt.layer(cl.trajectory_chart(ins.trajectory), alt.Chart(ins.trajectory).mark_point())
    assert "autosize" not in spec.to_dict()


@pytest.mark.parametrize("name", ["compare_loss", "forecast", "gradient"])
def test_two_legends_stack_under_the_plot(frames, name):
    """Side by side, two legends run past a phone's edge."""
    spec = CHARTS[name](frames, "en").to_dict()
    assert "direction: 'vertical'" in spec["config"]["legend"]["layout"]["expr"]


def test_a_long_model_legend_wraps_on_a_phone():
    """Six models in one row ran past a phone's edge; four still fit in a row."""
    models = ["rnn", "lstm", "gru", "persistence", "linear_ar"]
    horizon = pd.DataFrame({"model": models, "horizon": 1, "mse": 0.1, "n_origins": 3})
    [color] = channel_defs(cl.horizon_chart(horizon).to_dict(), "color")
    assert color["legend"]["values"] == models and color["legend"]["columns"] == 3
    [color] = channel_defs(cl.horizon_chart(horizon[horizon.model != "gru"]).to_dict(), "color")
    assert "columns" not in color["legend"]


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


@pytest.mark.parametrize("name", ["compare", "compare_loss", "forecast", "horizon", "gates",
                                  "gradient", "memory", "hidden", "trajectory"])  # fmt: skip
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


@pytest.mark.parametrize("name", sorted(CHARTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_specs_are_valid_vega_lite_without_validating_at_serve_time(frames, name, lang):
    """The page builds specs without Altair's schema validation (its cost is paid on a
    room's critical path); each view's chart validates, and validation changes nothing."""
    chart = CHARTS[name](frames, lang)
    assert chart.to_dict(validate=False) == chart.to_dict(validate=True)
