"""One page module per view, named after its `?view=` key; each has `render(ctx)`."""

from __future__ import annotations

from collections.abc import Callable

from app.context import PageContext
from app.views import (
    board,
    challenges,
    compare,
    forecast,
    gradients,
    home,
    inside,
    memory,
    text,
    train,
    translate,
)
from playground.views import VIEWS

RENDER: dict[str, Callable[[PageContext], None]] = {
    "train": train.render,
    "compare": compare.render,
    "forecast": forecast.render,
    "inside": inside.render,
    "gradients": gradients.render,
    "memory": memory.render,
    "text": text.render,
    "translate": translate.render,
    "challenges": challenges.render,
    "board": board.render,
    "home": home.render,
}
assert tuple(RENDER) == VIEWS, "one page module per view, in tab order"
