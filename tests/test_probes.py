"""Inside the network: cell equations against PyTorch, PCA loop, gradient norms."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from playground import ExperimentConfig
from playground.pipeline.experiment import fit, initial_network
from playground.views.gradients import gradient_norms
from playground.views.inside import inside_frames, project_2d
from playground.pipeline.cells import trace


@pytest.mark.parametrize("model", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_trace_matches_pytorch_layers(model, layers):
    net = initial_network(ExperimentConfig(model=model, num_layers=layers, hidden_size=12, seed=4))
    with torch.no_grad():  # move off the init distribution so gates are not all ~0.5
        for p in net.rnn.parameters():
            p.mul_(3.0)
    x = torch.randn(7, 15, generator=torch.Generator().manual_seed(1))  # (B, L)
    out, _ = net.rnn(x.unsqueeze(-1))  # (B, L, H) top layer
    tr = trace(net, x)
    assert torch.allclose(tr.hidden(), out, atol=1e-5)
    assert torch.allclose(tr.prediction, net(x), atol=1e-5)


def test_lstm_cell_state_and_gates_are_consistent():
    net = initial_network(ExperimentConfig(model="lstm", hidden_size=6))
    tr = trace(net, torch.linspace(-1, 1, 10).unsqueeze(0))
    g = tr.gates[0]
    assert set(g) == {"input", "forget", "output", "cell_state"}
    h = tr.hidden()
    assert torch.allclose(h, g["output"] * torch.tanh(g["cell_state"]), atol=1e-6)
    for name in ("input", "forget", "output"):
        assert float(g[name].detach().min()) > 0 and float(g[name].detach().max()) < 1


def test_inside_frames_shapes_and_window_alignment():
    fitted = fit(ExperimentConfig(model="gru", epochs=5, hidden_size=8))
    ins = inside_frames(fitted, window=3)
    assert len(ins.hidden) == 10 * 8 and set(ins.hidden.columns) == {
        "layer",
        "step",
        "unit",
        "value",
    }
    assert set(ins.gates.gate) == {"update", "reset"} and len(ins.gates) == 2 * 10 * 8
    np.testing.assert_array_equal(ins.inputs.value, fitted.y[3:13])
    assert len(ins.trajectory) == len(fitted.Y)
    assert sum(ins.explained) <= 1 + 1e-9


def test_rnn_has_no_gate_rows():
    ins = inside_frames(fit(ExperimentConfig(epochs=2, hidden_size=4)))
    assert ins.gates.empty and list(ins.gates.columns) == ["layer", "gate", "step", "unit", "value"]


def test_pca_recovers_a_planar_circle():
    phase = np.linspace(0, 2 * np.pi, 50, endpoint=False)
    basis = np.linalg.qr(np.random.default_rng(0).normal(size=(6, 2)))[0]  # (6, 2)
    states = np.column_stack([3 * np.cos(phase), np.sin(phase)]) @ basis.T + 5.0
    coords, share = project_2d(states)
    assert share[0] == pytest.approx(0.9, abs=1e-9) and share[1] == pytest.approx(0.1, abs=1e-9)
    np.testing.assert_allclose(np.abs(coords[:, 0]), np.abs(3 * np.cos(phase)), atol=1e-9)


def winding(coords):
    """Total angle swept around the centroid, in turns."""
    centered = coords - coords.mean(axis=0)
    angle = np.unwrap(np.arctan2(centered[:, 1], centered[:, 0]))
    return (angle[-1] - angle[0]) / (2 * np.pi)


@pytest.mark.parametrize("model", ["rnn", "gru"])
def test_hidden_trajectory_of_a_clean_sine_loops_once_per_period(model):
    # 101 points over 0..4π: one period is exactly 50 samples.
    cfg = ExperimentConfig(model=model, noise=0.0, n_points=101, epochs=60, hidden_size=16)
    traj = inside_frames(fit(cfg)).trajectory
    coords = traj[["pc1", "pc2"]].to_numpy()
    assert abs(winding(coords[:50])) == pytest.approx(1.0, abs=0.1)
    assert abs(winding(coords[:])) == pytest.approx(len(coords) / 50, abs=0.2)
    np.testing.assert_allclose(coords[50:], coords[:-50], atol=0.05 * np.ptp(coords))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_gradient_vanishes_back_through_50_steps_at_init(seed):
    cfg = ExperimentConfig(seq_length=50, n_points=200, seed=seed, epochs=1)
    g = gradient_norms(cfg, models=("rnn",))
    init = g.frame[g.frame.stage == "init"].sort_values("step").grad_norm.to_numpy()
    assert len(init) == 50 and not g.diverged["rnn"]
    assert init[-1] / init[0] >= 10.0
    assert np.all(np.diff(np.log(init)) > 0)  # shrinks at every step going back


def test_large_recurrent_init_makes_gradient_grow_backwards():
    cfg = ExperimentConfig(seq_length=50, n_points=200, epochs=1, init_scale=3.0)
    g = gradient_norms(cfg, models=("rnn",))
    init = g.frame[g.frame.stage == "init"].sort_values("step").grad_norm.to_numpy()
    assert init[0] / init[-1] >= 10.0


def test_gradient_frame_covers_models_and_stages():
    g = gradient_norms(ExperimentConfig(epochs=2, hidden_size=8))
    assert list(g.frame.columns) == ["model", "stage", "step", "grad_norm"]
    assert g.frame.groupby(["model", "stage"]).size().to_dict() == {
        (m, s): 10 for m in ("gru", "lstm", "rnn") for s in ("init", "trained")
    }
    assert (g.frame.grad_norm > 0).all()


def test_divergence_is_flagged_and_frames_stay_finite():
    cfg = ExperimentConfig(
        epochs=30, learning_rate=0.1, init_scale=4.0, hidden_size=64, seq_length=50, n_points=200
    )
    g = gradient_norms(replace(cfg), models=("rnn",))
    assert np.isfinite(g.frame.grad_norm).all()
    assert isinstance(g.diverged["rnn"], bool)
