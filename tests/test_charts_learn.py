"""Learning-view charts build from the package's own frames with the intended encodings."""

import pytest

from playground import ExperimentConfig
from playground import charts_learn as cl
from playground.compare import compare_models
from playground.experiment import fit
from playground.forecast import forecast_frames
from playground.probes import gradient_norms, inside_frames

CFG = ExperimentConfig(epochs=3, hidden_size=6)


def layers(spec):
    return spec.get("layer") or spec.get("vconcat") or [spec]


def enc(spec, i=0):
    return layers(spec)[i]["encoding"]


def mark(spec, i=0):
    m = layers(spec)[i]["mark"]
    return m["type"] if isinstance(m, dict) else m


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
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"model", "mse", "n_origins"}


def test_inside_charts(frames):
    ins = frames["inside"]
    spec = cl.hidden_heatmap(ins.hidden).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["x"] == {"field": "step", "title": "time step", "type": "ordinal"}
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
    import pandas as pd

    sweep = pd.DataFrame(
        {
            "model": ["rnn", "gru"],
            "lag": [5, 5],
            "seed": [0, 0],
            "test_mse": [0.01, 0.02],
            "relative_mse": [0.03, 0.06],
        }
    )
    spec = cl.memory_chart(sweep).to_dict()
    assert mark(spec, 0) == "circle" and enc(spec, 1)["y"]["aggregate"] == "median"
