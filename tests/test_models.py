"""SequenceRegressor and its seeded initialisation."""

import math

import pytest
import torch

from playground.pipeline.models import SequenceRegressor, build_model


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_shapes(kind, layers):
    net = build_model(kind, 8, layers, torch.Generator().manual_seed(0))
    assert net(torch.zeros(5, 7)).shape == (5,)
    assert net(torch.zeros(5, 7, 1)).shape == (5,)


def test_same_seed_same_weights_different_seed_different():
    a = build_model("lstm", 16, 1, torch.Generator().manual_seed(3))
    b = build_model("lstm", 16, 1, torch.Generator().manual_seed(3))
    c = build_model("lstm", 16, 1, torch.Generator().manual_seed(4))
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb)
        assert not torch.equal(pa, pc)


def test_init_does_not_touch_global_rng():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    build_model("gru", 32, 2, torch.Generator().manual_seed(0))
    assert torch.equal(torch.rand(3), expected)


def test_init_follows_pytorch_default_bounds():
    H = 25
    net = build_model("rnn", H, 1, torch.Generator().manual_seed(0))
    for p in net.parameters():
        assert p.abs().max() <= 1 / math.sqrt(H)


def test_forward_equals_manual_rnn_recurrence():
    """Reference check: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh); y = W h_L + b."""
    net = build_model("rnn", 4, 1, torch.Generator().manual_seed(1))
    x = torch.randn(3, 6, generator=torch.Generator().manual_seed(2))
    r = net.rnn
    h = torch.zeros(3, 4)
    for t in range(6):
        h = torch.tanh(
            x[:, t : t + 1] @ r.weight_ih_l0.T + r.bias_ih_l0 + h @ r.weight_hh_l0.T + r.bias_hh_l0
        )
    expected = (h @ net.head.weight.T + net.head.bias).squeeze(-1)
    torch.testing.assert_close(net(x), expected)


def test_unknown_cell_raises():
    with pytest.raises(ValueError, match="unknown model"):
        SequenceRegressor("transformer", 4)


@pytest.mark.parametrize("model", ["lstm", "gru"])
def test_keep_gate_bias_opens_the_keep_gate_of_every_layer(model):
    from playground.pipeline.models import init_model

    plain = init_model(model, 6, 2, seed=1)
    biased = init_model(model, 6, 2, seed=1, keep_gate_bias=4.0)
    for layer in range(2):
        diff = getattr(biased.rnn, f"bias_ih_l{layer}") - getattr(plain.rnn, f"bias_ih_l{layer}")
        expected = torch.zeros_like(diff)
        expected[6:12] = 4.0  # LSTM (i, f, g, o): f; GRU (r, z, n): z
        assert torch.allclose(diff, expected, atol=1e-6)  # (b + 4) - b in float32


def test_keep_gate_bias_leaves_the_rnn_alone():
    from playground.pipeline.models import init_model

    a, b = init_model("rnn", 6, 1, seed=2), init_model("rnn", 6, 1, seed=2, keep_gate_bias=4.0)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
