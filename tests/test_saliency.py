"""What a prediction depends on: |∂ŷ/∂x_{t−k}| against a hand-computed 1-unit RNN, in
signal units, never writing `.grad`; its frames and charts; the lessons the page states
about it (the lesson seeds, slow); the chart on the Gradients and Long memory tabs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from playground import ExperimentConfig
from playground.charts.saliency import recall_saliency_chart, saliency_chart
from playground.i18n import render_note, t
from playground.pipeline.experiment import fitted_models, predict
from playground.pipeline.models import init_model
from playground.views.memory import MemoryConfig, cue_saliency, memory_runs
from playground.views.gradients import first_input_note
from playground.views.saliency import (
    COLUMNS,
    LESSON_BIAS,
    LESSON_WINDOW,
    by_lag,
    first_input_shares,
    input_saliency,
    lesson_applies,
    window_saliency,
)
from playground.workshop.presets import PRESETS
from lessonkit import SEEDS, holds, recall_at_30, run
from speckit import has_cjk, titles


def one_unit_rnn(w_ih: float, w_hh: float, b: float, a: float, c: float):
    """A 1-unit tanh RNN with set weights: h_t = tanh(w_ih x_t + w_hh h_{t−1} + b),
    ŷ = a h_L + c."""
    net = init_model("rnn", 1)
    with torch.no_grad():
        net.rnn.weight_ih_l0.fill_(w_ih)
        net.rnn.weight_hh_l0.fill_(w_hh)
        net.rnn.bias_ih_l0.fill_(b)
        net.rnn.bias_hh_l0.fill_(0.0)
        net.head.weight.fill_(a)
        net.head.bias.fill_(c)
    return net


def by_hand(x: np.ndarray, w_ih: float, w_hh: float, b: float, a: float) -> np.ndarray:
    """|∂ŷ/∂x_j| per input step j: ∂h_t/∂x_t = (1 − h_t²) w_ih and ∂h_t/∂h_{t−1} =
    (1 − h_t²) w_hh, so ∂ŷ/∂x_j = a · w_ih (1 − h_j²) · Π_{t>j} w_hh (1 − h_t²)."""
    h, hs = 0.0, []
    for xt in x:
        h = np.tanh(w_ih * xt + w_hh * h + b)
        hs.append(h)
    d = 1.0 - np.asarray(hs) ** 2  # (L,) tanh' at each step
    out = np.empty(len(x))
    for j in range(len(x)):
        out[j] = a * w_ih * d[j] * np.prod(w_hh * d[j + 1 :])
    return np.abs(out)


@pytest.mark.parametrize(
    "weights",
    [(0.5, 0.8, 0.1, 1.5, 0.2), (1.2, -0.6, -0.3, -0.7, 0.0), (0.3, 1.1, 0.0, 2.0, -1.0)],
)
def test_a_one_unit_rnn_matches_the_hand_computed_derivative(weights):
    w_ih, w_hh, b, a, c = weights
    x = np.array([0.4, -0.9, 0.1, 0.7, -0.2, 0.5])
    net = one_unit_rnn(w_ih, w_hh, b, a, c)
    got = input_saliency(net, torch.tensor(x[None], dtype=torch.float32))[0]
    want = by_hand(x, w_ih, w_hh, b, a)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    # k = 0 is the last input: the geometric decay runs with k.
    assert by_lag(got)[0] == got[-1] and by_lag(got)[-1] == got[0]


@pytest.fixture(scope="module")
def small_fits():
    cfg = ExperimentConfig(epochs=30, hidden_size=8, n_points=60, seq_length=8, noise=0.3)
    return fitted_models(cfg, ("rnn", "lstm", "gru"))


def test_window_saliency_is_in_signal_units_and_writes_no_grad(small_fits):
    """∂ŷ/∂x in signal units (predict: ŷ = c + s·f((x − c)/s)) by central differences
    equals the frame's value: the scaler's factors cancel."""
    window = small_fits["rnn"].n_train
    frame = window_saliency(small_fits, window)
    for model, fitted in small_fits.items():
        assert all(p.grad is None for p in fitted.net.parameters())  # read-only
        got = frame[frame.model == model].sort_values("lag").saliency.to_numpy()
        x = fitted.X[window].astype(np.float64)
        eps = 1e-2 * fitted.scaler.half_range
        diffs = []
        for j in range(len(x)):
            up, down = x.copy(), x.copy()
            up[j] += eps
            down[j] -= eps
            pred = predict(fitted, np.stack([up, down]))
            diffs.append(abs(pred[0] - pred[1]) / (2 * eps))
        want = by_lag(np.asarray(diffs))
        np.testing.assert_allclose(got, want, rtol=0.05, atol=2e-3)
        assert fitted.scaler.half_range != 1.0  # the units check means something


def test_window_saliency_frame(small_fits):
    frame = window_saliency(small_fits, 3)
    assert list(frame.columns) == COLUMNS
    assert set(frame.model) == {"rnn", "lstm", "gru"} and set(frame.window) == {3}
    for _, part in frame.groupby("model"):
        assert sorted(part.lag) == list(range(8))
    assert (frame.saliency >= 0).all()
    with pytest.raises(ValueError):
        window_saliency(small_fits, len(small_fits["rnn"].X))


@given(
    model=st.sampled_from(["rnn", "lstm", "gru"]),
    hidden=st.integers(1, 6),
    layers=st.integers(1, 2),
    length=st.integers(1, 12),
    batch=st.integers(1, 5),
    seed=st.integers(0, 1000),
)
def test_input_saliency_is_each_windows_own_derivative(model, hidden, layers, length, batch, seed):
    """Shape (B, L), finite, non-negative, and each row the derivative of that window's
    prediction alone (the windows of a batch do not mix)."""
    net = init_model(model, hidden, layers, seed)
    xs = torch.rand(batch, length, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    out = input_saliency(net, xs)
    assert out.shape == (batch, length)
    assert np.isfinite(out).all() and (out >= 0).all()
    for b in range(batch):
        x = xs[b : b + 1].clone().requires_grad_(True)
        (alone,) = torch.autograd.grad(net(x).sum(), x)
        np.testing.assert_allclose(out[b], alone[0].abs().numpy(), rtol=1e-5, atol=1e-7)
    assert all(p.grad is None for p in net.parameters())


# ---- Charts ---------------------------------------------------------------------------
def test_saliency_chart_speaks_the_readers_language(small_fits):
    frame = window_saliency(small_fits, 2)
    for lang in ("en", "zh"):
        spec = saliency_chart(frame, lang).to_dict()
        assert spec["encoding"]["y"]["scale"]["type"] == "log"
        assert spec["encoding"]["x"]["scale"]["reverse"] is True  # k = 0 at the right
        assert spec["encoding"]["y"]["title"] == t(lang, "chart.title.saliency_log")
        if lang == "zh":
            assert all(has_cjk(s) for s in titles(spec)), titles(spec)


def test_recall_saliency_chart_marks_the_cue():
    runs = memory_runs(
        MemoryConfig(lags=(3, 4), models=("rnn", "gru"), seeds=(0, 1), epochs=5, n_train=32)
    )
    for lang in ("en", "zh"):
        spec = recall_saliency_chart(runs.saliency, lang).to_dict()
        rows = [row for data in spec["datasets"].values() for row in data]
        assert {r["lag"] for r in rows if "text" in r} == {4}  # the cue of the longest lag
        assert any(r.get("text") == t(lang, "chart.title.cue") for r in rows)
        if lang == "zh":
            assert all(has_cjk(s) for s in titles(spec)), titles(spec)


# ---- Lessons (the lesson seeds at the page's settings) -----------------------------------
# Each measured by a function of the seeds ({what: one flag a seed}), which
# bench/claims.py also runs over seeds the tests do not use.
def cue_init_flags(seeds) -> dict[str, list[bool]]:
    sal = recall_at_30(tuple(seeds)).saliency
    share = cue_saliency(sal, "init") / cue_saliency(sal, "init", k=0)
    flags = {"rnn: cue over last input below 1e-5 at init": list(share.rnn < 1e-5)}
    for model in ("lstm", "gru"):
        flags[f"{model}: cue over last input above 0.1 at init"] = list(share[model] > 0.1)
    return flags


@pytest.mark.slow
def test_before_training_only_the_gated_cells_answer_from_the_cue():
    """memory.saliency.lesson: before training the RNN's answer depends on the cue less
    than a hundred-thousandth as much as on its last input; the LSTM's and GRU's more
    than a tenth as much."""
    for what, got in cue_init_flags(SEEDS).items():
        assert holds(got), (what, got)


def cue_trained_flags(seeds) -> dict[str, list[bool]]:
    cue = cue_saliency(recall_at_30(tuple(seeds)).saliency, "trained")
    flags = {}
    for model in ("lstm", "gru"):
        flags[f"{model}: trained cue saliency above 0.8"] = list(cue[model] > 0.8)
        flags[f"{model}: trained cue saliency above the RNN's"] = list(cue[model] > cue.rnn)
    flags["rnn: above 0.3 in some seeds, below 0.01 in others (all seeds)"] = [
        bool((cue.rnn > 0.3).any() and (cue.rnn < 0.01).any())
    ]
    return flags


@pytest.mark.slow
def test_after_training_the_gated_cells_follow_the_cue_more_than_the_rnn():
    """memory.saliency.lesson: after training the LSTM and GRU follow the cue almost
    one-for-one (above 0.8); the RNN less than they do, and how much varies by seed: in
    some it learns to use the cue (above 0.3), in others not at all (below 0.01).
    memory.saliency.verdict counts the page's seeds. The RNN was above 0.3 in 8 of seeds
    0-9, 8 of 10-19 and only 6 of 20-29 (the page said "in most seeds" before); in each
    ten it was below 1e-9 in at least one seed and above 0.7 in another."""
    for what, got in cue_trained_flags(SEEDS).items():
        assert all(got) if "(all seeds)" in what else holds(got), (what, got)


def first_input_flags(where: str, seeds) -> dict[str, list[bool]]:
    cfg = PRESETS["vanishing_gradients"].config
    assert cfg.seq_length == 50 and cfg.keep_gate_bias == 4.0
    shares: dict[str, list[float]] = {}
    for seed in seeds:
        fits = fitted_models(replace(cfg, seed=seed), ("rnn", "lstm", "gru"), run=run)
        n = len(fits["rnn"].X)
        window = {"first_test": fits["rnn"].n_train, "first": 0, "last": n - 1}[where]
        frame = window_saliency(fits, window)
        for model, part in frame.groupby("model"):
            s = part.set_index("lag").saliency
            shares.setdefault(model, []).append(float(s[49] / s.max()))
    return {
        f"rnn: first input over the most used below 0.01 ({where} window)": [
            s < 1e-2 for s in shares["rnn"]
        ],
        f"gru: first input over the most used above 0.1 ({where} window)": [
            s > 0.1 for s in shares["gru"]
        ],
        f"lstm: first input over the most used above 0.01 ({where} window)": [
            s > 1e-2 for s in shares["lstm"]
        ],
    }


@pytest.mark.slow
@pytest.mark.parametrize("where", ["first_test", "first", "last"])
def test_on_a_long_window_the_trained_rnn_ignores_its_first_input(where):
    """saliency.lesson: on the Vanishing gradients scenario (window 50, keep-gate bias
    4), the trained RNN's prediction depends on its first input (k = 49) less than a
    hundredth as much as on the input it uses most; the GRU's more than a tenth as much, the
    LSTM's more than a hundredth. At the window the tab opens on (the first test window),
    the first and the last. The LSTM's share at the first test window was above a tenth in
    9 of seeds 0-9 but only 7 of 10-19 (0.0014 at seed 10), so the page no longer says
    "a tenth" for it; above a hundredth it held in 10, 9 and 10 of seeds 0-9, 10-19, 20-29."""
    for what, got in first_input_flags(where, SEEDS).items():
        assert holds(got), (what, got)


# ---- On the page ------------------------------------------------------------------------
APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def open_view(view: str, lang: str = "en", **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(lang=lang, **query)
    at.session_state["view"] = t(lang, f"view.{view}.title")
    at.run()
    assert not at.exception, at.exception
    return at


def saliency_specs(at, lang: str = "en") -> list[tuple[dict, list]]:
    """(spec, datasets) of each chart whose y axis is the saliency."""
    found = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if t(lang, "chart.title.saliency_log") in titles(spec):
            data = [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
            found.append((spec, data))
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gradients_tab_shows_what_the_prediction_depends_on(lang):
    at = open_view("gradients", lang, epochs="2")
    assert [s.value for s in at.subheader][-1] == t(lang, "saliency.title")
    ((spec, data),) = saliency_specs(at, lang)
    (frame,) = [f for f in data if "saliency" in f.columns]
    n_train = int(0.8 * (100 - 10))  # the default series' training windows
    assert set(frame.model) == {"rnn", "lstm", "gru"} and set(frame.window) == {n_train}
    assert sorted(set(frame.lag)) == list(range(10))
    reach = render_note(lang, first_input_note(frame))  # read from the chart's own rows
    assert any(m.value == f"**{reach}**" for m in at.markdown), reach
    at.slider(key="saliency_window").set_value(5).run()
    assert not at.exception, at.exception
    ((_, data),) = saliency_specs(at, lang)
    assert {5} == set(next(f for f in data if "saliency" in f.columns).window)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_fixed_lesson_stands_only_beside_a_chart_of_its_settings(lang):
    """Issue 40, item 13: saliency.lesson (window 50, keep-gate bias 4) stood under the
    default chart (window 10, bias 0). It now stands beside a chart of the settings it
    names; elsewhere the page points to them (saliency.try)."""
    captions = lambda at: {c.value for c in at.caption}  # noqa: E731
    default = captions(open_view("gradients", lang, epochs="2"))
    assert t(lang, "saliency.lesson") not in default and t(lang, "saliency.try") in default
    long = captions(open_view("gradients", lang, epochs="2", seq_length="50", keep_gate_bias="4"))
    assert t(lang, "saliency.lesson") in long and t(lang, "saliency.try") not in long
    bias0 = captions(open_view("gradients", lang, epochs="2", seq_length="50"))
    assert t(lang, "saliency.lesson") not in bias0


def test_the_lessons_settings_are_the_vanishing_gradients_scenarios():
    cfg = PRESETS["vanishing_gradients"].config
    assert (cfg.seq_length, cfg.keep_gate_bias) == (LESSON_WINDOW, LESSON_BIAS)
    assert lesson_applies(cfg.seq_length, cfg.keep_gate_bias)
    assert not lesson_applies(ExperimentConfig().seq_length, ExperimentConfig().keep_gate_bias)


def test_the_first_input_sentence_reads_each_models_share():
    rows = [
        (model, 0, lag, value)
        for model, values in (("rnn", [1.0, 0.5, 0.002]), ("gru", [0.5, 1.0, 0.25]))
        for lag, value in enumerate(values)
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    assert first_input_shares(frame) == {"rnn": 0.002, "gru": 0.25}
    note = first_input_note(frame)
    assert note.params == {"steps": 2, "shares": "RNN 1/500, GRU 1/4"}
    for lang in ("en", "zh"):
        assert "{" not in render_note(lang, note)
    assert first_input_note(frame.iloc[:0]) is None


def test_hidden_text_hides_the_saliency_explanation():
    at = open_view("gradients", epochs="2", hide="text")
    assert len(saliency_specs(at)) == 1
    shown = {c.value for c in at.caption} | {m.value for m in at.markdown}
    for key in ("saliency.explain", "saliency.lesson", "saliency.try"):
        assert t("en", key) not in shown
    assert not any(t("en", "saliency.reach").split("{")[0] in s for s in shown)


@pytest.mark.slow
def test_memory_tab_shows_what_the_answers_depend_on_after_the_sweep():
    """The shortest sweep the page offers (lag 5: one training per model and seed)."""
    at = open_view("memory", epochs="2", keep_gate_bias="4.0")
    assert not saliency_specs(at)  # nothing before the sweep runs
    at.slider(key="lag").set_value(5).run()
    if any(b.key == "run_memory" for b in at.button):  # else another test's sweep is cached
        at.button(key="run_memory").click().run()
    assert not at.exception, at.exception
    ((spec, data),) = saliency_specs(at)
    medians = next(f for f in data if "stage" in f.columns)
    assert set(medians.model) == {"rnn", "lstm", "gru"} and set(medians.stage) == {
        "init",
        "trained",
    }
    assert sorted(set(medians.lag)) == list(range(6))
    verdicts = [m.value for m in at.markdown if "depends more on the cue" in m.value]
    assert len(verdicts) == 2 and all("of 3 seeds" in v for v in verdicts), verdicts
