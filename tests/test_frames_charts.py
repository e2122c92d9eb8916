"""Tidy frames and the Altair charts built over them, in English and Chinese."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground import ExperimentConfig, run_experiment
from playground.charts import label_expr, loss_chart, metrics_chart, predictions_chart
from playground.charts.labels import LOG_FORMAT, time_axis
from playground.pipeline.frames import losses_frame, metrics_frame, predictions_frame
from playground.i18n import strings
from speckit import (
    assert_tooltips_labelled,
    channel_defs,
    english_words,
    filters,
    has_cjk,
    label_maps,
    legends,
    log_axes,
    mark_type,
    rows,
    shown_labels,
    titles,
    units,
    without_text,
)


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
    enc = layers[2]["encoding"]
    assert enc["x"]["field"] == "t" and enc["x"]["type"] == "quantitative"
    # Time spans the data: an upload's rows 4700..4999 are not squeezed against 0.
    assert enc["x"]["scale"]["zero"] is False and layers[0]["encoding"]["x"]["scale"] == {
        "zero": False
    }
    assert enc["y"]["field"] == "value" and enc["color"]["field"] == "series"
    # Keys are shown by their labels, computed from the key fields.
    assert {t["field"] for t in enc["tooltip"]} == {"t", "series_label", "value", "split_label"}


def test_predictions_chart_shades_exactly_the_test_points(result):
    spec = predictions_chart(result.predictions).to_dict()
    test = result.predictions.query("series == 'truth' and split == 'test'").t
    [region] = rows(spec, "region", "start", "end")
    assert (region["region"], region["start"], region["end"]) == ("test", test.min(), test.max())


def test_predictions_chart_draws_the_data_above_a_translucent_line(result):
    """Overfitting: a line through every training point must not hide the points."""
    drawn = units(predictions_chart(result.predictions).to_dict())
    [line] = [i for i, u in enumerate(drawn) if mark_type(u) == "line"]
    [dots] = [i for i, u in enumerate(drawn) if mark_type(u) == "circle"]
    assert "truth" in str(filters(drawn[dots])) and dots > line
    assert drawn[line]["mark"]["opacity"] < 1


def test_loss_chart_is_log_scale(result):
    spec = loss_chart(result.losses).to_dict()
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    assert spec["encoding"]["color"]["field"] == "split"


@pytest.mark.parametrize("name", ["loss", "predictions"])
def test_legends_sit_below_the_plot(result, name):
    found = legends(BUILDERS[name](result, "en").to_dict())
    assert found and all(lg["orient"] == "bottom" for lg in found)


@pytest.mark.parametrize("name", ["loss", "predictions"])
def test_charts_fit_the_column_width_and_keep_their_plot_height(result, name):
    spec = BUILDERS[name](result, "en").to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_log_axes_write_every_label_in_one_format(result):
    axes = log_axes(loss_chart(result.losses).to_dict())
    assert axes and all(axis.get("format") == LOG_FORMAT for axis in axes)


def test_epoch_axes_show_whole_numbers(result):
    [x] = channel_defs(loss_chart(result.losses).to_dict(), "x")
    assert x["axis"]["format"] == "d" and x["axis"]["tickMinStep"] == 1


def test_metrics_chart_shows_three_metrics(result):
    spec = metrics_chart(result.metrics).to_dict()
    assert spec["spec"]["mark"]["type"] == "bar" and spec["facet"]["column"]["field"] == "metric"
    data = next(iter(spec["datasets"].values()))
    assert {row["metric"] for row in data} == {"mse", "mae", "rmse"}


def test_metrics_have_a_y_scale_each(result):
    """An airline MSE of 4,560 next to an MAE of 55 must not flatten the MAE panel."""
    spec = metrics_chart(result.metrics).to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"


def test_metric_panels_fit_a_phone_column(result):
    """The page draws the errors at their own width: three panels, each with its y axis
    (at most ~45 px of labels), must fit a 390 px phone's 358 px column."""
    spec = metrics_chart(result.metrics).to_dict()
    assert isinstance(spec["spec"]["width"], int)
    assert 3 * (spec["spec"]["width"] + 45) + 2 * spec["spacing"] <= 358
    assert channel_defs(spec, "y")[0]["title"] is None  # each panel's header names it


def test_time_axes_write_years_without_separators_or_decimals():
    """Airline: t = 1949 + month/12; the axis showed "1,949.0"."""
    years = 1949 + np.arange(144) / 12
    assert time_axis(years).to_dict() == {"format": "d", "tickMinStep": 1}
    assert time_axis(np.arange(1700, 1989)).to_dict()["format"] == "d"  # sunspots
    assert time_axis(np.arange(4700, 5000)).to_dict()["format"] == "d"  # upload rows
    assert time_axis(np.linspace(0, 4 * np.pi, 100)).to_dict()["format"] == "d"  # 0, 1, .. 12
    # A short span needs fractions: as many digits as each tick needs, no separator.
    assert time_axis(np.linspace(0, 2, 50)).to_dict() == {"format": "~r"}
    assert time_axis(1960 + np.arange(6) / 12).to_dict() == {"format": "~r"}


def test_predictions_chart_time_axis_follows_the_data():
    years = 1949 + np.arange(144) / 12
    res = run_experiment(ExperimentConfig(epochs=1, signal="airline"))
    assert res.predictions.t.min() >= years.min()
    spec = predictions_chart(res.predictions).to_dict()
    axes = [d["axis"] for d in channel_defs(spec, "x") if d["field"] in ("t", "start")]
    assert axes and all(axis["format"] == "d" for axis in axes)


# ---- Language -------------------------------------------------------------------------
BUILDERS = {
    "predictions": lambda r, lang: predictions_chart(r.predictions, lang),
    "loss": lambda r, lang: loss_chart(r.losses, lang),
    "metrics": lambda r, lang: metrics_chart(r.metrics, lang),
}
# What each chart's legends, axes and facet headers show, in Chinese.
ZH_LABELS = {
    "predictions": {"truth": "真实值", "prediction": "预测值"},
    "loss": {"train": "训练集", "test": "测试集"},
    "metrics": {  # short words under its narrow bars (the tooltips say 训练集 / 测试集)
        "train": "训练",
        "test": "测试",
        "mse": "均方误差",
        "mae": "平均绝对误差",
        "rmse": "均方根误差",
    },
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_chinese_chart_has_chinese_words_over_the_same_data(result, name):
    en = BUILDERS[name](result, "en").to_dict()
    zh = BUILDERS[name](result, "zh").to_dict()
    assert without_text(zh) == without_text(en)  # same data, marks and encodings
    assert zh["datasets"] == en["datasets"]
    zh_titles, en_titles = titles(zh), titles(en)
    assert zh_titles and all(has_cjk(title) for title in zh_titles), zh_titles
    assert not [w for title in zh_titles for w in english_words(title)], zh_titles
    assert not set(zh_titles) & set(en_titles)
    assert not any(has_cjk(title) for title in en_titles), en_titles
    assert shown_labels(zh) == ZH_LABELS[name]
    assert set(shown_labels(en)) == set(ZH_LABELS[name])
    assert not any(has_cjk(label) for label in shown_labels(en).values())


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_tooltips_are_titled_and_show_labels_not_keys(result, name):
    spec = BUILDERS[name](result, "zh").to_dict()
    assert_tooltips_labelled(spec)
    chains = {m.get("train") for m in label_maps(spec, "calculate")}
    assert "训练集" in chains


def test_metric_names_are_words_in_english_too(result):
    spec = metrics_chart(result.metrics, "en").to_dict()
    assert shown_labels(spec)["rmse"] == "RMSE"
    assert strings("zh")["chart.metric.mse"] == "均方误差"


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@given(st.dictionaries(texts, texts, max_size=5))
def test_label_expr_quotes_any_key_and_label(key_labels):
    """Quotes, backslashes and non-ASCII text survive as JSON string literals."""
    expr = label_expr(key_labels)
    assert label_maps({"labelExpr": expr}) == [key_labels]
    assert expr.endswith("datum.value")
