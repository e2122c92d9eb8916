"""Take it home, in a real browser: each download button gives its file when clicked
(files are made on click, deferred, not on every rerun), and the files are what they say:
the predictions shown, the settings of the link, and weights that load into the model."""

from __future__ import annotations

import csv
import io
import json

import pytest
import torch

from playground import ExperimentConfig, run_experiment
from playground.pipeline.models import SequenceRegressor
from test_browser import assert_healthy, settle
from test_browser_workshop import EN

pytestmark = pytest.mark.e2e

LINK = "?lang=en&model=gru&hidden_size=6&epochs=7&seed=3"
CFG = ExperimentConfig(model="gru", hidden_size=6, epochs=7, seed=3)


def download(page, kind: str) -> bytes:
    """Click the download button of `kind` and return the file's bytes."""
    with page.expect_download(timeout=60_000) as info:
        page.locator(f".st-key-download_{kind} button").click()
    return info.value.path().read_bytes()


def test_downloads_give_the_run_on_screen(app_url, page):
    page.goto(f"{app_url}/{LINK}")
    settle(page)
    page.get_by_role("tab", name=EN["view.home.title"], exact=True).click()
    page.locator(".st-key-download_weights button").wait_for(timeout=60_000)
    expected = run_experiment(CFG)

    rows = list(csv.DictReader(io.StringIO(download(page, "predictions").decode("utf-8"))))
    shown = [float(r["value"]) for r in rows if r["series"] == "prediction"]
    want = expected.predictions.query("series == 'prediction'").value.tolist()
    assert shown == pytest.approx(want, rel=1e-6)

    settings = json.loads(download(page, "config"))
    assert (settings["model"], settings["hidden_size"], settings["seed"]) == ("gru", 6, 3)

    state = torch.load(io.BytesIO(download(page, "weights")), weights_only=True)
    net = SequenceRegressor("gru", 6, 1)
    net.load_state_dict(state)  # the right shapes and names
    for name, tensor in expected.fitted.net.state_dict().items():
        assert torch.equal(state[name], tensor), name  # the very weights of this run

    assert download(page, "script").decode("utf-8").startswith('"""RNN Playground run')
    assert_healthy(page)
