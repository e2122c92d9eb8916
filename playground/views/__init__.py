"""The views' computations, one module per view (`views/<view>.py`): each turns runs
(or its own task) into tidy frames, and says as a Plan (`views/plan.py`) what the page's
view of the same name draws, under which keys; the page and the warm-up carry it out.
This package's own name space is just the views' keys (it imports no view, so a view
may import `playground.charts`, which reads some views' constants)."""

# The page's views in tab order: the `?view=` key, the page module app/views/<key>.py and,
# for the learning views, the package module views/<key>.py and charts/<key>.py.
VIEWS: tuple[str, ...] = (
    "train", "compare", "forecast", "inside", "gradients", "memory", "text", "translate",
    "challenges", "board", "home",
)  # fmt: skip
VIEW_ALIASES: dict[str, str] = {"data": "train"}  # older links' names for a view


def resolve_view(name: str) -> str | None:
    """The view a `?view=` value (or a preset's view) names, aliases resolved; else None."""
    key = VIEW_ALIASES.get(name, name)
    return key if key in VIEWS else None


__all__ = ["VIEWS", "VIEW_ALIASES", "resolve_view"]
