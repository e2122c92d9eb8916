"""The learning views' computations, one module per view: `compare`, `forecast`,
`inside`, `gradients`, `memory`. Each turns fitted networks (or its own task) into tidy
frames; the page's view of the same name draws them with `playground.charts`."""

from playground.pipeline.cells import LAYERS, Trace, trace
from playground.views.gradients import (
    Gradients,
    gradient_frames,
    gradient_norm_per_step,
    gradient_norms,
)
from playground.views.inside import (
    Inside,
    gates_frame,
    hidden_frame,
    inside_frames,
    probe_inside,
    project_2d,
)

# The page's views in tab order: the `?view=` key, the page module app/views/<key>.py and,
# for the learning views, the package module views/<key>.py and charts/<key>.py.
VIEWS: tuple[str, ...] = (
    "train", "compare", "forecast", "inside", "gradients", "memory", "text", "challenges",
    "board", "home",
)  # fmt: skip
VIEW_ALIASES: dict[str, str] = {"data": "train"}  # older links' names for a view


def resolve_view(name: str) -> str | None:
    """The view a `?view=` value (or a preset's view) names, aliases resolved; else None."""
    key = VIEW_ALIASES.get(name, name)
    return key if key in VIEWS else None


__all__ = [
    "VIEWS", "VIEW_ALIASES", "resolve_view",
    "LAYERS", "Gradients", "Inside", "Trace", "gates_frame", "gradient_frames",
    "gradient_norm_per_step", "gradient_norms", "hidden_frame", "inside_frames",
    "probe_inside", "project_2d", "trace",
]  # fmt: skip
