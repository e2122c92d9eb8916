"""Altair chart builders over the tidy frames of `frames.py`. Pure: no page calls."""

from __future__ import annotations

import altair as alt
import pandas as pd

SERIES_COLORS = alt.Scale(domain=["truth", "prediction"], range=["#8c8c8c", "#d62728"])


def predictions_chart(predictions: pd.DataFrame) -> alt.LayerChart:
    """Signal (grey points) and prediction (red line); the test region is shaded."""
    test = predictions[(predictions.series == "truth") & (predictions.split == "test")]
    region = pd.DataFrame({"start": [test.t.min()], "end": [test.t.max()], "label": ["test"]})
    shade = (
        alt.Chart(region)
        .mark_rect(opacity=0.12, color="#1f77b4")
        .encode(x="start:Q", x2="end:Q", tooltip=[alt.Tooltip("label:N", title="region")])
    )
    base = alt.Chart(predictions).encode(
        x=alt.X("t:Q", title="t"),
        y=alt.Y("value:Q", title="value"),
        color=alt.Color("series:N", scale=SERIES_COLORS, title="series"),
        tooltip=[
            alt.Tooltip("t:Q", format=".3f"),
            alt.Tooltip("series:N"),
            alt.Tooltip("value:Q", format=".4f"),
            alt.Tooltip("split:N"),
        ],
    )
    truth = base.transform_filter(alt.datum.series == "truth").mark_circle(size=28, opacity=0.7)
    pred = base.transform_filter(alt.datum.series == "prediction").mark_line(strokeWidth=2.5)
    return alt.layer(shade, truth, pred).properties(height=320)


def loss_chart(losses: pd.DataFrame) -> alt.Chart:
    """Train and test MSE per epoch, log scale."""
    return (
        alt.Chart(losses)
        .mark_line()
        .encode(
            x=alt.X("epoch:Q", title="epoch"),
            y=alt.Y("loss:Q", scale=alt.Scale(type="log"), title="MSE (log scale)"),
            color=alt.Color("split:N", scale=alt.Scale(domain=["train", "test"]), title="split"),
            tooltip=[
                alt.Tooltip("epoch:Q"),
                alt.Tooltip("split:N"),
                alt.Tooltip("loss:Q", format=".5f"),
            ],
        )
        .properties(height=260)
    )


def metrics_chart(metrics: pd.DataFrame) -> alt.Chart:
    """MSE, MAE and RMSE per split as grouped bars."""
    long = metrics.melt(id_vars=["model", "split"], value_vars=["mse", "mae", "rmse"],
                        var_name="metric", value_name="value")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("split:N", title=None, sort=["train", "test"]),
            y=alt.Y("value:Q", title="error"),
            color=alt.Color("split:N", scale=alt.Scale(domain=["train", "test"]), legend=None),
            column=alt.Column("metric:N", title=None, sort=["mse", "mae", "rmse"]),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("split:N"),
                alt.Tooltip("metric:N"),
                alt.Tooltip("value:Q", format=".5f"),
            ],
        )
        .properties(height=200, width=90)
    )
