"""Altair chart builders over the tidy frames, one module per view (`train`, `compare`,
`forecast`, `inside`, `gradients`, `memory`) over the shared vocabulary and labels of
`labels`. Each builder takes a frame and the reader's language. Pure: no page calls."""

from playground.charts.compare import compare_chart, compare_loss_chart
from playground.charts.forecast import MODES, REGIONS, forecast_chart, horizon_chart
from playground.charts.gradients import STAGES, gradient_chart
from playground.charts.inside import GATES, gates_chart, hidden_heatmap, trajectory_chart
from playground.charts.labels import (
    MAX_CHART_ROWS,
    METRICS,
    MODEL_COLORS,
    CHART_MODELS,
    SERIES,
    SERIES_COLORS,
    SPLITS,
    TIME_SCALE,
    label_expr,
    label_fields,
    label_tip,
    labels,
    legend,
    model_color,
)
from playground.charts.memory import memory_chart
from playground.charts.train import loss_chart, metrics_chart, predictions_chart

__all__ = [
    "GATES", "MAX_CHART_ROWS", "METRICS", "MODEL_COLORS", "CHART_MODELS", "MODES", "REGIONS",
    "SERIES", "SERIES_COLORS", "SPLITS", "STAGES", "TIME_SCALE", "compare_chart",
    "compare_loss_chart", "forecast_chart", "gates_chart", "gradient_chart", "hidden_heatmap",
    "horizon_chart", "label_expr", "label_fields", "label_tip", "labels", "legend",
    "loss_chart", "memory_chart", "metrics_chart", "model_color", "predictions_chart",
    "trajectory_chart",
]  # fmt: skip
