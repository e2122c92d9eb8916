"""Tidy frames and the Altair charts built over them."""

import numpy as np
import pytest

from playground import ExperimentConfig, run_experiment
from playground.charts import loss_chart, metrics_chart, predictions_chart
from playground.frames import losses_frame, metrics_frame, predictions_frame


def test_predictions_frame_labels_the_held_out_points():
    t = np.arange(10.0)
    y = t * 2
    df = predictions_frame(t, y, pred=np.arange(7.0), seq_length=3, n_train=5)
    truth = df[df.series == "truth"]
    assert list(truth.split) == ["train"] * 8 + ["test"] * 2
    pred = df[df.series == "prediction"]
    assert list(pred.t) == [3, 4, 5, 6, 7, 8, 9]
    assert list(pred.split) == ["train"] * 5 + ["test"] * 2


def test_metrics_frame_against_hand_computation():
    t = np.arange(6.0)
    y = np.array([0, 0, 1, 2, 3, 4.0])
    pred = np.array([1, 2, 5, 4.0])  # errors 0, 0, 2, 0 ; split: 2 train, 2 test
    m = metrics_frame(predictions_frame(t, y, pred, 2, 2), "rnn").set_index("split")
    assert m.loc["train", "mse"] == 0 and m.loc["test", "mse"] == 2.0
    assert m.loc["test", "mae"] == 1.0 and m.loc["test", "rmse"] == pytest.approx(2**0.5)


def test_losses_frame_long_format():
    df = losses_frame([3.0, 2.0], [4.0, 1.0])
    assert list(df.epoch) == [1, 2, 1, 2]
    assert list(df.split) == ["train", "train", "test", "test"]


@pytest.fixture(scope="module")
def result():
    return run_experiment(ExperimentConfig(epochs=3))


def test_predictions_chart_encodes_time_value_series_and_shades_test(result):
    spec = predictions_chart(result.predictions).to_dict()
    layers = spec["layer"]
    assert layers[0]["mark"]["type"] == "rect"  # the shaded test region
    enc = layers[1]["encoding"]
    assert enc["x"]["field"] == "t" and enc["x"]["type"] == "quantitative"
    assert enc["y"]["field"] == "value" and enc["color"]["field"] == "series"
    assert {t["field"] for t in enc["tooltip"]} == {"t", "series", "value", "split"}


def test_loss_chart_is_log_scale(result):
    spec = loss_chart(result.losses).to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["encoding"]["color"]["field"] == "split"


def test_metrics_chart_shows_three_metrics(result):
    spec = metrics_chart(result.metrics).to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["column"]["field"] == "metric"
    data = next(iter(spec["datasets"].values()))
    assert {row["metric"] for row in data} == {"mse", "mae", "rmse"}
