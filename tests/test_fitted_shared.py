"""A run's fitted network is shared read-only by the views that look inside it: the
forecast, inside-the-network and gradient views and the weights download give exactly
what fitting again would give, and none of them changes the weights."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import torch

from playground import ExperimentConfig, run_experiment
from playground.config import MODELS
from playground.pipeline.experiment import fitted_models, predict
from playground.workshop.export import weights_bytes
from playground.views.forecast import forecast_frames
from playground.views.gradients import gradient_frames, gradient_norms
from playground.views.inside import inside_frames, probe_inside

CFG = ExperimentConfig(epochs=6, hidden_size=8, seed=3)


@pytest.fixture(scope="module")
def runs():
    """A runner that remembers its results, as the page's cache does, and counts runs."""
    done: dict = {}

    def run(cfg):
        if cfg.key() not in done:
            done[cfg.key()] = run_experiment(cfg)
        return done[cfg.key()]

    return run, done


def weights(net) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in net.state_dict().items()}


def test_the_result_carries_the_network_that_made_its_predictions(runs):
    run, _ = runs
    result = run(CFG)
    shown = result.predictions.query("series == 'prediction'").value.to_numpy()
    np.testing.assert_array_equal(predict(result.fitted, result.fitted.X), shown)
    assert not result.fitted.net.training  # eval mode: no dropout or batch statistics


def test_views_from_the_shared_networks_equal_fresh_fits_and_leave_weights_alone(runs):
    run, done = runs
    fits = fitted_models(CFG, MODELS, run=run)
    assert len(done) == len(MODELS)  # one run per model, and no other training
    before = {m: weights(f.net) for m, f in fits.items()}

    shared = forecast_frames(fits, beyond=8)
    fresh = forecast_frames(fitted_models(CFG, MODELS), 8)
    pd.testing.assert_frame_equal(shared.paths, fresh.paths)
    pd.testing.assert_frame_equal(shared.horizon, fresh.horizon)

    pd.testing.assert_frame_equal(
        gradient_frames(fits).frame, gradient_norms(CFG, models=MODELS).frame
    )
    inside = inside_frames(fits[CFG.model], window=5)
    pd.testing.assert_frame_equal(inside.hidden, probe_inside(CFG, window=5).hidden)

    for model, fitted in fits.items():  # nothing wrote to the shared networks
        for name, tensor in fitted.net.state_dict().items():
            assert torch.equal(tensor, before[model][name]), (model, name)
        assert all(p.grad is None for p in fitted.net.parameters())
    assert len(done) == len(MODELS)


def test_weights_of_the_shared_network_are_the_refit_weights(runs):
    run, _ = runs
    shared = torch.load(io.BytesIO(weights_bytes(CFG, run(CFG).fitted.net)), weights_only=True)
    refit = torch.load(io.BytesIO(weights_bytes(CFG)), weights_only=True)
    assert shared.keys() == refit.keys()
    assert all(torch.equal(shared[k], refit[k]) for k in shared)


def test_uploaded_series_reach_the_gradient_view():
    t = np.arange(60.0)
    y = np.where(t % 12 < 6, 1.0, -1.0)  # a square wave, not the config's sine
    on_series = gradient_norms(CFG, models=("rnn",), series=(t, y)).frame
    on_signal = gradient_norms(CFG, models=("rnn",)).frame
    assert not np.allclose(on_series.grad_norm, on_signal.grad_norm)
