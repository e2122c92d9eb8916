"""Every view at the corners of the bounds opens without an exception (AppTest, real
training). The memory sweep does not depend on the sidebar (test_app_views runs it).
Found by fuzzing: the Inside view raised Altair's MaxRowsError at GRU, hidden
128, window 40, and Forecast took 75 s at the largest settings."""

from __future__ import annotations

import pytest

from pagekit import run_app
from playground.i18n import t

VIEWS = ("train", "compare", "forecast", "inside", "gradients", "memory", "challenges", "home")

CORNERS = {
    "smallest": dict(
        hidden_size="1", seq_length="2", num_layers="1", n_points="40", model="lstm", epochs="3"
    ),
    "largest": dict(
        hidden_size="128",
        seq_length="60",
        num_layers="3",
        n_points="1000",
        model="gru",
        epochs="1000",
        train_fraction="0.5",
    ),  # fmt: skip
    "explosive": dict(
        model="rnn",
        init_scale="4.0",
        clip_grad="10.0",
        learning_rate="0.1",
        seq_length="60",
        n_points="200",
        hidden_size="128",
        train_fraction="0.95",
        epochs="20",
    ),  # fmt: skip
    "faint": dict(model="gru", init_scale="0.1", num_layers="3", n_points="40", epochs="5"),
}


@pytest.mark.slow
@pytest.mark.parametrize("corner", CORNERS)
def test_every_view_opens_at_the_corners(corner):
    at = run_app(**CORNERS[corner])
    for view in VIEWS:
        at.session_state["view"] = t("en", f"view.{view}.title")
        at.run()
        assert not at.exception, (view, at.exception)
        if view not in ("challenges", "home", "memory"):  # memory: waits for its button
            assert at.get("vega_lite_chart"), view
        assert not at.error or view == "challenges", (view, [e.value for e in at.error])
