"""Step through one cell: every number of a step equals PyTorch's own layers and the
traced computation; a unit's terms add up; the pictures carry the numbers, in the
reader's language; and the page part steps, keeps its unit and speaks Chinese."""

from __future__ import annotations

from localekit import format_fields

import dataclasses
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from playground.charts.cell import STEP_PARAM, cell_svg, colour, number, shown_units, units_svg
from playground.charts.cell_text import (
    EQUATIONS,
    equations_latex,
    largest_terms_text,
    step_chart,
    unit_latex,
    with_step,
)
from playground.charts.train import CHOSEN, PICK, window_frame, window_picker_chart, with_window
from playground.config import ExperimentConfig
from playground.i18n import strings, t
from playground.pipeline.cells import trace
from playground.pipeline.experiment import fit, run_experiment
from playground.views.inside import picked_window
from playground.pipeline.cell_step import (
    CELL_GATES,
    cell_step,
    top_units,
    unit_arithmetic,
    window_inputs,
)

KINDS = ("rnn", "lstm", "gru")
WINDOW = 7
ATOL = 1e-6


@pytest.fixture(scope="module")
def fitted():
    """A small trained network per cell type and a two-layer one per cell type."""
    nets = {}
    for kind in KINDS:
        for layers in (1, 2):
            cfg = ExperimentConfig(
                model=kind, hidden_size=12, num_layers=layers, epochs=8, seq_length=6
            )
            nets[kind, layers] = fit(cfg)
    return nets


def scaled_window(f, window: int = WINDOW) -> torch.Tensor:
    """(1, L, 1): the window as the network sees it."""
    return torch.from_numpy(f.scaler.transform(f.X[window : window + 1])).float().unsqueeze(-1)


def torch_states(f, step: int, window: int = WINDOW):
    """nn.RNN/LSTM/GRU on the window's first `step` values: every layer's h_t (and an
    LSTM's c_t) at `step`, from PyTorch's own layer."""
    with torch.no_grad():
        out, state = f.net.rnn(scaled_window(f, window)[:, :step])
    h_n, c_n = state if isinstance(state, tuple) else (state, None)
    return out[0, -1], h_n[:, 0], None if c_n is None else c_n[:, 0]


# ---- The numbers: PyTorch's, the trace's ---------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layers", [1, 2])
def test_states_equal_pytorch_layers_at_every_step_and_layer(fitted, kind, layers):
    f = fitted[kind, layers]
    for step in range(1, f.X.shape[1] + 1):
        top_out, h_n, c_n = torch_states(f, step)
        top = cell_step(f, WINDOW, step)  # layer -1: the top one (layer 2 of 2)
        np.testing.assert_allclose(top.h_t, top_out.double().numpy(), atol=ATOL)
        for layer in range(layers):
            cs = cell_step(f, WINDOW, step, layer)
            np.testing.assert_allclose(cs.h_t, h_n[layer].double().numpy(), atol=ATOL)
            if kind == "lstm":
                np.testing.assert_allclose(cs.c_t, c_n[layer].double().numpy(), atol=ATOL)
            else:
                assert cs.c_t is None and cs.c_prev is None
            if step > 1:  # h_{t-1} is the previous step's h_t
                prev = cell_step(f, WINDOW, step - 1, layer)
                np.testing.assert_array_equal(cs.h_prev, prev.h_t)
                if kind == "lstm":
                    np.testing.assert_array_equal(cs.c_prev, prev.c_t)
            else:
                assert not cs.h_prev.any() and (kind != "lstm" or not cs.c_prev.any())


@pytest.mark.parametrize("kind", KINDS)
def test_states_and_gates_equal_the_trace(fitted, kind):
    f = fitted[kind, 2]
    with torch.no_grad():
        tr = trace(f.net, scaled_window(f).squeeze(-1))
    traced = {
        "lstm": {"i": "input", "f": "forget", "o": "output"},
        "gru": {"z": "update", "r": "reset"},
    }
    for layer in (0, 1):
        for step in range(1, f.X.shape[1] + 1):
            cs = cell_step(f, WINDOW, step, layer)
            np.testing.assert_array_equal(cs.h_t, tr.steps[layer][step - 1][0].double().numpy())
            for letter, name in traced.get(kind, {}).items():
                expect = tr.gates[layer][name][0, step - 1].double().numpy()
                np.testing.assert_array_equal(cs.value[letter], expect)
            if kind == "lstm":
                expect = tr.gates[layer]["cell_state"][0, step - 1].double().numpy()
                np.testing.assert_array_equal(cs.c_t, expect)


@pytest.mark.parametrize("kind", KINDS)
def test_input_is_the_scaled_window_or_the_layer_below(fitted, kind):
    f = fitted[kind, 2]
    for step in (1, 4):
        bottom, top = cell_step(f, WINDOW, step, 0), cell_step(f, WINDOW, step, 1)
        assert bottom.x_signal == f.X[WINDOW, step - 1]
        np.testing.assert_allclose(bottom.x_t, [f.scaler.transform(f.X[WINDOW, step - 1])])
        assert top.x_signal is None and top.layer == 1 and top.num_layers == 2
        np.testing.assert_array_equal(top.x_t, bottom.h_t)
        assert cell_step(f, WINDOW, step, -1).layer == 1


@pytest.mark.parametrize("kind", KINDS)
def test_gates_are_their_activations_and_make_the_new_state(fitted, kind):
    f = fitted[kind, 1]
    cs = cell_step(f, WINDOW, 3)
    assert cs.gates == CELL_GATES[kind] and tuple(cs.pre) == tuple(cs.value) == cs.gates
    sig = lambda x: 1.0 / (1.0 + np.exp(-x))  # noqa: E731
    for g in cs.gates:
        fn = np.tanh if g in ("g", "n", "h") else sig
        np.testing.assert_allclose(cs.value[g], fn(cs.pre[g]), atol=ATOL)
    v = cs.value
    if kind == "lstm":
        np.testing.assert_allclose(cs.c_t, v["f"] * cs.c_prev + v["i"] * v["g"], atol=ATOL)
        np.testing.assert_allclose(cs.h_t, v["o"] * np.tanh(cs.c_t), atol=ATOL)
    elif kind == "gru":
        np.testing.assert_allclose(cs.h_t, (1 - v["z"]) * v["n"] + v["z"] * cs.h_prev, atol=ATOL)
    else:
        np.testing.assert_allclose(cs.h_t, v["h"], atol=ATOL)


def test_bad_window_step_layer_or_unit_is_refused(fitted):
    f = fitted["lstm", 1]
    L = f.X.shape[1]
    for args in (
        (WINDOW, 0),
        (WINDOW, L + 1),
        (len(f.X), 1),
        (-1, 1),
        (WINDOW, 1, 1),
        (WINDOW, 1, -2),
    ):
        with pytest.raises(ValueError):
            cell_step(f, *args)
    cs = cell_step(f, WINDOW, L)
    for unit in (-1, 12):
        with pytest.raises(ValueError):
            unit_arithmetic(cs, unit)
        with pytest.raises(ValueError):
            cell_svg(cs, unit)


# ---- One unit's arithmetic -------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layer", [0, 1])
def test_unit_terms_add_up_to_the_pre_activation(fitted, kind, layer):
    f = fitted[kind, 2]
    H = f.net.rnn.hidden_size
    w_ih = getattr(f.net.rnn, f"weight_ih_l{layer}").detach().double().numpy()
    for step in (1, 5):
        cs = cell_step(f, WINDOW, step, layer)
        for unit in range(H):
            a = unit_arithmetic(cs, unit)
            assert [g.gate for g in a.gates] == list(cs.gates)
            for k, g in enumerate(a.gates):
                # PyTorch's stacking: the k-th block of H rows is the k-th gate
                np.testing.assert_array_equal(g.w_input, w_ih[k * H + unit])
                assert g.pre == cs.pre[g.gate][unit] and g.value == cs.value[g.gate][unit]
                direct = g.input_terms.sum() + g.bias_ih
                recurrent = g.hidden_terms.sum() + g.bias_hh
                if g.gate == "n":
                    assert g.scale == cs.value["r"][unit]
                    assert direct + g.scale * recurrent == pytest.approx(g.pre, abs=1e-5)
                else:
                    assert g.scale == 1.0
                    assert direct + recurrent == pytest.approx(g.pre, abs=1e-5)
                assert g.total() == pytest.approx(g.pre, abs=1e-5)
                np.testing.assert_allclose(g.hidden_terms, g.w_hidden * cs.h_prev)
            if kind == "lstm":
                assert a.keep + a.write == pytest.approx(a.c_t, abs=ATOL)
                assert a.gate("o").value * np.tanh(a.c_t) == pytest.approx(a.h_t, abs=ATOL)
            elif kind == "gru":
                assert a.write + a.keep == pytest.approx(a.h_t, abs=ATOL)
            else:
                assert a.keep is None and a.write is None


def test_largest_hidden_terms_are_ordered_by_size(fitted):
    cs = cell_step(fitted["lstm", 1], WINDOW, 4)
    g = unit_arithmetic(cs, 3).gate("f")
    terms = g.largest_hidden(5)
    sizes = [abs(v) for _, v in terms]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == np.abs(g.hidden_terms).max()
    assert all(g.hidden_terms[u] == v for u, v in terms)


# ---- The most active units -------------------------------------------------------------
@pytest.mark.parametrize("by", ["change", "value"])
def test_top_units_are_ordered_by_activity(fitted, by):
    cs = cell_step(fitted["gru", 1], WINDOW, 4)
    activity = np.abs(cs.h_t - cs.h_prev) if by == "change" else np.abs(cs.h_t)
    top = top_units(cs, 8, by)
    assert len(top) == 8 and len(set(top.tolist())) == 8
    assert list(activity[top]) == sorted(activity[top], reverse=True)
    assert activity[top[-1]] >= np.delete(activity, top).max()  # none left out is larger
    assert len(top_units(cs, 50, by)) == cs.hidden_size and len(top_units(cs, 0, by)) == 0
    with pytest.raises(ValueError):
        top_units(cs, 3, "loudest")


def test_top_units_put_non_finite_last_and_keep_the_chosen_unit(fitted):
    cs = cell_step(fitted["rnn", 1], WINDOW, 2)
    h = cs.h_t.copy()
    h[0] = np.nan
    broken = dataclasses.replace(cs, h_t=h)
    assert top_units(broken, cs.hidden_size)[-1] == 0
    top = shown_units(cs, None, 4)
    outside = next(u for u in range(cs.hidden_size) if u not in top)
    assert shown_units(cs, outside, 4) == [*top, outside]
    assert shown_units(cs, top[2], 4) == top


# ---- The pictures -----------------------------------------------------------------------
def gate_numbers(cs, unit: int) -> list[str]:
    return [number(cs.value[g][unit]) for g in cs.gates]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_diagram_holds_each_gate_value_of_the_unit_in_the_language(fitted, kind, lang):
    f = fitted[kind, 2]
    for layer in (0, 1):
        cs = cell_step(f, WINDOW, 4, layer)
        unit = int(top_units(cs)[-1])
        svg = cell_svg(cs, unit, lang)
        root = ET.fromstring(svg)  # well-formed, self-contained
        assert root.tag.endswith("svg") and root.get("width") == "100%"
        assert root.get("viewBox").startswith("0 0 ") and "<script" not in svg
        for g in cs.gates:
            assert number(cs.value[g][unit]) in svg
            assert f"({number(cs.pre[g][unit])})" in svg  # σ(pre) / tanh(pre)
            assert t(lang, f"cell.gate.{g}") in svg
        for state in ("h_t", "h_prev", "c_t", "c_prev"):
            if getattr(cs, state) is not None:
                assert number(getattr(cs, state)[unit]) in svg
        if layer == 0:
            assert number(cs.x_t[0]) in svg
        title = t(lang, "cell.svg.title", model=kind.upper(), layer=layer + 1, layers=2,
                  step=4, steps=6, unit=unit)  # fmt: skip
        assert title in svg
        text = "".join(root.itertext())
        if lang == "zh":
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
            assert "forget" not in text and "candidate" not in text and "layer" not in text
        else:
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_units_table_holds_every_shown_unit_and_outlines_the_chosen(fitted, lang):
    cs = cell_step(fitted["lstm", 1], WINDOW, 5)
    units = shown_units(cs, 11, 4)
    svg = units_svg(cs, units, 11, lang)
    ET.fromstring(svg)
    for u in units:
        assert t(lang, "cell.svg.unit", unit=u) in svg
        for quantity in (cs.h_prev, cs.c_prev, cs.c_t, cs.h_t, *cs.value.values()):
            assert number(quantity[u]) in svg
    assert svg.count('stroke-width="2.5"') == 1  # one outlined column
    assert t(lang, "cell.state.c_prev").split("_")[0] in svg


def test_colours_diverge_around_zero():
    assert colour(0.0) == "#f7f7f7" and colour(1.0) == "#67001f" and colour(-1.0) == "#053061"
    assert colour(5.0) == colour(1.0) and colour(2.0, limit=4.0) == colour(0.5)
    assert colour(float("nan")) != colour(0.0)
    red, blue = colour(0.5), colour(-0.5)
    assert int(red[1:3], 16) > int(red[5:7], 16) and int(blue[5:7], 16) > int(blue[1:3], 16)
    assert number(-0.004) == "0.00" and number(-0.42) == "\u22120.42" and number(np.nan) == "NaN"


@pytest.mark.parametrize("kind", KINDS)
def test_latex_writes_the_units_numbers(fitted, kind):
    cs = cell_step(fitted[kind, 2], WINDOW, 3, 0)
    a = unit_arithmetic(cs, 5)
    tex = unit_latex(a)
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    for g in a.gates:
        assert f"= {g.value:.3f}" in tex.replace("= -0.000", "= 0.000")
        assert f"({g.pre:.3f})" in tex
    assert f"{a.h_t:.3f}" in tex
    assert equations_latex(kind) == EQUATIONS[kind] and "h_t" in equations_latex(kind)
    text = largest_terms_text(a, "zh")
    assert "单元" in text and t("zh", "cell.gate." + a.gates[0].gate) in text
    first = unit_arithmetic(cell_step(fitted[kind, 2], WINDOW, 1, 0), 5)
    assert largest_terms_text(first, "en") == t("en", "cell.first_step")


def test_every_cell_string_is_in_both_languages_with_the_same_fields():
    en, zh = strings("en"), strings("zh")
    keys = [k for k in en if k.startswith("cell.")]
    assert len(keys) > 40 and all(k in zh for k in keys)
    assert all(format_fields(en[k]) == format_fields(zh[k]) for k in keys)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in zh[k]) for k in keys if k.endswith("note"))


def test_step_chart_marks_the_step_through_its_param(fitted):
    f = fitted["lstm", 1]
    inputs = window_inputs(f, WINDOW)
    assert list(inputs.step) == list(range(1, 7))
    np.testing.assert_array_equal(inputs.value, f.X[WINDOW])
    np.testing.assert_array_equal(inputs.t, f.t[WINDOW : WINDOW + 6])
    spec = step_chart(inputs, "zh").to_dict()
    moved = with_step(spec, 4)
    assert [p["value"] for p in moved["params"] if p["name"] == STEP_PARAM] == [4]
    assert [p["value"] for p in spec["params"] if p["name"] == STEP_PARAM] == [1]  # not changed
    assert t("zh", "chart.title.time_step") in str(spec)


# ---- Pick a window: a click on a prediction point ------------------------------------
@pytest.fixture(scope="module")
def small_run():
    return run_experiment(ExperimentConfig(epochs=3, seq_length=6, n_points=60))


def test_each_prediction_point_is_its_window_with_its_inputs_span(small_run):
    windows = window_frame(small_run.predictions)
    predicted = small_run.predictions.query("series == 'prediction'")
    assert list(windows.window) == list(range(len(predicted))) == list(range(60 - 6))
    np.testing.assert_array_equal(windows.t, predicted.t)
    for w in (0, 17, len(windows) - 1):  # the inputs the cell view steps through
        inputs = window_inputs(small_run.fitted, w)
        assert windows.start[w] == inputs.t.iloc[0] and windows.end[w] == inputs.t.iloc[-1]
        assert windows.end[w] < windows.t[w]  # the prediction comes after its inputs


def test_picking_chart_selects_a_window_by_click_and_marks_it_by_param(small_run):
    spec = window_picker_chart(small_run.predictions, "zh", 5).to_dict()
    (pick,) = [p for p in spec["params"] if p["name"] == PICK]
    assert pick["select"]["fields"] == ["window"] and pick["select"]["nearest"] is True
    assert pick["select"]["on"] == "click" and pick["select"]["toggle"] is False
    moved = with_window(spec, 12)
    assert [p["value"] for p in moved["params"] if p["name"] == CHOSEN] == [12]
    assert [p["value"] for p in spec["params"] if p["name"] == CHOSEN] == [5]  # not changed
    assert t("zh", "inside.window_tip") in str(spec)


@given(hs.integers(-3, 60), hs.integers(1, 50))
def test_a_click_picks_a_window_of_the_run_or_nothing(window, n_windows):
    state = {"selection": {"pick": [{"window": window}]}}
    expected = window if 0 <= window < n_windows else None
    assert picked_window(state, n_windows) == expected
    assert picked_window({"selection": {"pick": [{"window": float(window)}]}}, n_windows) == (
        expected
    )


@pytest.mark.parametrize(
    "state",
    [None, {}, {"selection": {}}, {"selection": {"pick": []}}, {"selection": {"pick": [{}]}},
     {"selection": {"pick": [{"window": 2.5}]}}, {"selection": {"pick": [{"window": "x"}]}},
     {"selection": {"pick": [{"window": None}]}}, {"selection": {"other": [{"window": 1}]}}],
)  # fmt: skip
def test_no_usable_click_picks_nothing(state):
    assert picked_window(state, 10) is None


# ---- The page part (AppTest, render_cell alone) ---------------------------------------
def cell_page():
    """render_cell on a small trained run; language and model from session state."""
    import streamlit as st

    from app.context import PageContext
    from app.views.cell import render_cell
    from playground.config import ExperimentConfig
    from playground.pipeline.experiment import SIGNAL
    from playground.workshop.instructor import InstructorOptions

    cfg = ExperimentConfig(
        model=st.session_state.get("test_model", "lstm"),
        hidden_size=st.session_state.get("test_hidden", 16),
        num_layers=st.session_state.get("test_layers", 2),
        epochs=3,
        seq_length=6,
    )
    ctx = PageContext(st.session_state.get("test_lang", "en"), InstructorOptions(), cfg, SIGNAL)
    ctx.result = ctx.run(cfg)
    render_cell(ctx, 5)


def html_bodies(at) -> list[str]:
    """The SVGs the page shows (markdown with HTML allowed), in page order (each under
    its phone-only "swipe sideways" hint)."""
    return [e.value for e in at.markdown if "<svg" in e.value]


def run_cell(**state) -> AppTest:
    at = AppTest.from_function(cell_page, default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_render_cell_steps_keeps_its_unit_and_draws_the_cell():
    at = run_cell()
    slider = at.slider(key="cell_step")
    assert slider.value == 1 and slider.min == 1 and slider.max == 6
    assert at.button(key="cell_prev").disabled and not at.button(key="cell_next").disabled
    assert at.segmented_control(key="cell_layer").value == 1  # the top of 2 layers
    diagram, table = html_bodies(at)
    assert "<svg" in diagram and "step 1 of 6" in diagram and "forget f" in diagram
    assert "<svg" in table
    assert len(at.get("vega_lite_chart")) == 1 and len(at.latex) == 2
    unit = at.selectbox(key="cell_unit").value

    at.button(key="cell_next").click().run()
    at.button(key="cell_next").click().run()
    assert at.slider(key="cell_step").value == 3 and not at.exception
    assert "step 3 of 6" in html_bodies(at)[0]
    assert at.selectbox(key="cell_unit").value == unit  # the unit is followed
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"value": 3' in spec or '"value":3' in spec

    other = (unit + 1) % 16
    at.selectbox(key="cell_unit").set_value(other).run()
    assert f"unit {other}" in html_bodies(at)[0]
    at.segmented_control(key="cell_layer").set_value(0).run()
    assert "layer 1 of 2" in html_bodies(at)[0] and not at.exception
    at.slider(key="cell_step").set_value(6).run()
    assert at.button(key="cell_next").disabled and "step 6 of 6" in html_bodies(at)[0]


def test_render_cell_in_chinese_for_a_gru_and_after_the_network_shrinks():
    at = run_cell(test_lang="zh", test_model="gru", test_layers=1)
    assert not at.segmented_control  # one layer: no layer choice
    diagram = html_bodies(at)[0]
    assert "更新门 z" in diagram and "第 1 步" in diagram and "update" not in diagram
    assert at.button(key="cell_next").label == "下一步"
    at.selectbox(key="cell_unit").set_value(15).run()
    at.session_state["test_hidden"] = 4  # fewer units: unit 15 is gone
    at.run()
    assert not at.exception and at.selectbox(key="cell_unit").value in range(4)


# A symbol with two subscripts (h_t_{5}) is an error to the page's math renderer (KaTeX
# draws its source in red): each symbol in the written-out step has one subscript.
DOUBLE_SUBSCRIPT = re.compile(r"_(\{[^{}]*\}|[A-Za-z0-9])_")


@pytest.mark.parametrize("kind", KINDS)
def test_latex_gives_each_symbol_one_subscript(fitted, kind):
    for step in (1, 3):
        for unit in (0, 5):
            tex = unit_latex(unit_arithmetic(cell_step(fitted[kind, 2], WINDOW, step, 0), unit))
            assert not DOUBLE_SUBSCRIPT.search(tex), DOUBLE_SUBSCRIPT.search(tex).group(0)
    assert not DOUBLE_SUBSCRIPT.search(equations_latex(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_every_symbol_of_the_unit_is_written_alike(fitted, kind):
    """Issue 40: the LSTM's gate lines read i₃₀ beside hₜ[30]. Each symbol of unit j is
    written x_t[j]: a gate as i_t[5], like h_t[5]."""
    a = unit_arithmetic(cell_step(fitted[kind, 2], WINDOW, 3, 0), 5)
    tex = unit_latex(a)
    assert not re.search(r"[a-z]_\{5\}", tex), re.search(r"[a-z]_\{5\}", tex).group(0)
    for g in a.gates:
        assert f"{g.gate if kind != 'rnn' else 'h'}_t[5] &=" in tex


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_rnn_s_units_table_names_the_new_state_once(fitted, lang):
    """Issue 40: Inside/RNN showed "new state" twice (its tanh and h_t, one value)."""
    cs = cell_step(fitted["rnn", 1], WINDOW, 5)
    svg = units_svg(cs, shown_units(cs, 3, 4), 3, lang)
    rows = [r for r in re.findall(r'text-anchor="end"[^>]*>([^<]*)<', svg)]
    assert len(rows) == 2 and t(lang, "cell.gate.h") not in rows, rows  # h_{t-1}, h_t
    assert number(cs.h_t[3]) in svg
