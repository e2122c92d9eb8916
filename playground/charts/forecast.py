"""The Forecast view's charts: forecast paths and error against the horizon."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from playground.charts.labels import (
    FIT_WIDTH,
    CHART_MODELS,
    label_fields,
    label_tip,
    labels,
    legend,
    model_color,
    region_frame,
    region_layers,
    stacked_legends,
    step_axis,
    time_axis,
)
from playground.i18n import t


MODES = ("observed", "free_running", "one_step")  # forecast paths: truth, then forecasts
REGIONS = ("train", "test", "beyond")  # where a forecast point lies


def forecast_regions(paths: pd.DataFrame) -> pd.DataFrame:
    """The shaded regions of a forecast chart: the observed test points ("test") and
    from the end of the data to the last forecast past it ("beyond")."""
    observed = paths[paths["mode"] == "observed"]
    test, beyond = observed[observed.region == "test"].t, paths[paths.region == "beyond"].t
    nan = float("nan")
    spans = {"test": (test.min(), test.max()) if len(test) else (nan, nan)}
    if len(beyond) and len(observed):
        spans["beyond"] = (observed.t.max(), beyond.max())
    return region_frame(spans)


HISTORY_SHOWN = 1.0  # history shown before the test part, as a share of test + beyond


def shown_span(paths: pd.DataFrame) -> list[float]:
    """The time the forecast chart shows: from HISTORY_SHOWN x (test and beyond) before
    the test part, or the start of the data, to the last forecast. The forecasts are
    what the chart is for: over the whole history they were squeezed into its last
    ~80 px on a phone."""
    t_all = paths.t.to_numpy(dtype=float)
    start, end = float(np.nanmin(t_all)), float(np.nanmax(t_all))
    observed = paths[paths["mode"] == "observed"]
    test = observed[observed.region == "test"].t
    if len(test):
        first = float(test.min())
        start = max(start, first - HISTORY_SHOWN * (end - first))
    return [start, end]


def forecast_chart(paths: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Observed series (grey points) with one-step (dashed) and free-running (solid)
    forecasts per model, including past the series end; the test region is shaded, and
    the part past the end of the data shaded apart, after a rule at the data's end.
    The chart shows the forecasts and the history just before them (`shown_span`;
    marks outside it are clipped)."""
    modes, regions = labels(lang, "mode", MODES), labels(lang, "region", REGIONS)
    x_title = t(lang, "chart.title.t")
    span = shown_span(paths)
    axis = time_axis(paths.t[(paths.t >= span[0]) & (paths.t <= span[1])])
    x_scale = alt.Scale(zero=False, nice=False, domain=span)
    shade = region_layers(
        forecast_regions(paths), regions, t(lang, "chart.title.region"), x_title, axis
    )
    base = label_fields(
        alt.Chart(paths),
        model=labels(lang, "model", CHART_MODELS),
        mode=modes,
        region=regions,
    ).encode(
        x=alt.X("t:Q", title=x_title, scale=x_scale, axis=axis),
        y=alt.Y("value:Q", title=t(lang, "chart.title.value")),
        color=model_color(lang, paths),
        tooltip=[
            label_tip("model", t(lang, "chart.title.model")),
            label_tip("mode", t(lang, "chart.title.mode")),
            label_tip("region", t(lang, "chart.title.region")),
            alt.Tooltip("t:Q", format=".3f", title=t(lang, "chart.title.t")),
            alt.Tooltip("value:Q", format=".4f", title=t(lang, "chart.title.value")),
        ],
    )
    forecasts = (
        base.transform_filter(alt.datum.mode != "observed")
        .mark_line(opacity=0.85, clip=True)
        .encode(
            strokeDash=alt.StrokeDash(
                "mode:N",
                sort=["free_running", "one_step"],
                title=t(lang, "chart.title.mode"),
                legend=legend(modes, symbolType="stroke", symbolStrokeWidth=2),
            ),
            detail="mode:N",
        )
    )
    truth = base.transform_filter(alt.datum.mode == "observed").mark_circle(
        size=20, opacity=0.6, clip=True
    )
    return stacked_legends(
        alt.layer(*shade, forecasts, truth).properties(height=320, autosize=FIT_WIDTH)
    )


def horizon_chart(horizon: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Free-running MSE against steps ahead, one line per model or baseline."""
    return (
        label_fields(alt.Chart(horizon), model=labels(lang, "model", CHART_MODELS))
        .mark_line(point=True)
        .encode(
            x=alt.X("horizon:Q", title=t(lang, "chart.title.steps_ahead"), axis=step_axis()),
            y=alt.Y("mse:Q", title=t(lang, "chart.title.mse")),
            color=model_color(lang, horizon),
            tooltip=[
                label_tip("model", t(lang, "chart.title.model")),
                alt.Tooltip("horizon:Q", title=t(lang, "chart.title.steps_ahead")),
                alt.Tooltip("mse:Q", format=".5f", title=t(lang, "chart.title.mse")),
                alt.Tooltip("n_origins:Q", title=t(lang, "chart.title.n_origins")),
            ],
        )
        .properties(height=260, autosize=FIT_WIDTH)
    )
