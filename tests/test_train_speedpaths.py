"""train(): the fast loop (one pass for both losses, fused Adam, in-place guard buffer)
keeps the behaviour of the plain loop: same losses per epoch, deterministic, callback per
epoch in order, and the divergence guard restores the last good weights."""

from __future__ import annotations

import math

import torch
from torch import nn

from playground.pipeline.models import build_model
from playground.pipeline.train import train


def data(n: int = 40, length: int = 6) -> tuple[torch.Tensor, ...]:
    t = torch.linspace(0, 4 * math.pi, n + length)
    y = torch.sin(t)
    x = torch.stack([y[i : i + length] for i in range(n)])  # (n, L)
    target = y[length : length + n]  # (n,)
    split = int(0.8 * n)
    return x[:split], target[:split], x[split:], target[split:]


def fresh(model: str = "gru", seed: int = 0) -> nn.Module:
    return build_model(model, 8, 1, torch.Generator().manual_seed(seed))


def reference_losses(net: nn.Module, epochs: int, lr: float) -> tuple[list, list]:
    """The plain tutorial loop: separate test pass after each update, stock Adam."""
    x_tr, y_tr, x_te, y_te = data()
    opt = torch.optim.Adam(net.parameters(), lr=lr, foreach=False)
    train_losses, test_losses = [], []
    for _ in range(epochs):
        opt.zero_grad()
        loss = nn.functional.mse_loss(net(x_tr), y_tr)
        loss.backward()
        opt.step()
        with torch.no_grad():
            test_losses.append(nn.functional.mse_loss(net(x_te), y_te).item())
        train_losses.append(loss.item())
    return train_losses, test_losses


def test_losses_match_the_plain_loop() -> None:
    for model in ("rnn", "lstm", "gru"):
        fit = train(fresh(model), *data(), epochs=12, learning_rate=0.01)
        ref_train, ref_test = reference_losses(fresh(model), 12, 0.01)
        assert len(fit.train_loss) == len(fit.test_loss) == 12
        for got, want in zip(fit.train_loss + fit.test_loss, ref_train + ref_test, strict=True):
            assert math.isclose(got, want, rel_tol=1e-4, abs_tol=1e-7), (model, got, want)


def test_last_test_loss_is_that_of_the_final_weights() -> None:
    net = fresh()
    x_tr, y_tr, x_te, y_te = data()
    fit = train(net, x_tr, y_tr, x_te, y_te, epochs=5, learning_rate=0.01, loss_scale=2.0)
    with torch.no_grad():
        final = nn.functional.mse_loss(net(x_te), y_te).item() * 2.0
    assert math.isclose(fit.test_loss[-1], final, rel_tol=1e-6)
    assert fit.stopped_epoch == 5 and not fit.diverged


def test_same_inputs_give_identical_numbers() -> None:
    a = train(fresh(), *data(), epochs=8, learning_rate=0.01)
    b = train(fresh(), *data(), epochs=8, learning_rate=0.01)
    assert a.train_loss == b.train_loss and a.test_loss == b.test_loss


def test_callback_runs_once_per_epoch_in_order_with_the_recorded_losses() -> None:
    calls: list[tuple[int, float, float]] = []
    fit = train(fresh(), *data(), epochs=6, learning_rate=0.01,
                on_epoch=lambda e, tr, te: calls.append((e, tr, te)))  # fmt: skip
    assert [c[0] for c in calls] == [1, 2, 3, 4, 5, 6]
    assert [c[1] for c in calls] == fit.train_loss
    assert [c[2] for c in calls] == fit.test_loss


class BlowsUpAfter(nn.Module):
    """Wraps a net; from the `n`-th training forward pass on, its output is inf."""

    def __init__(self, net: nn.Module, n: int) -> None:
        super().__init__()
        self.net, self.n, self.calls = net, n, 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.net(x)
        if torch.is_grad_enabled():
            self.calls += 1
            if self.calls >= self.n:
                return out * float("inf")
        return out


def test_divergence_keeps_the_weights_of_the_last_finite_epoch() -> None:
    # Forward pass k (k = 1, 2, ...) evaluates the weights after epoch k - 1. Pass 5 is
    # inf, so the weights after epoch 4 have no finite test loss: keep epoch 3's.
    net = BlowsUpAfter(fresh(), n=5)
    fit = train(net, *data(), epochs=20, learning_rate=0.01)
    assert fit.diverged and fit.stopped_epoch == 3
    assert len(fit.train_loss) == len(fit.test_loss) == 3
    expected = fresh()
    train(expected, *data(), epochs=3, learning_rate=0.01)
    for got, want in zip(net.net.parameters(), expected.parameters(), strict=True):
        assert torch.equal(got, want)


def test_non_finite_start_stops_before_any_step() -> None:
    net = BlowsUpAfter(fresh(), n=1)
    before = [p.detach().clone() for p in net.parameters()]
    fit = train(net, *data(), epochs=5, learning_rate=0.01)
    assert fit.diverged and fit.stopped_epoch == 0 and fit.train_loss == []
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))


def test_snapshots_are_the_outputs_of_each_epochs_weights_and_change_nothing() -> None:
    x_tr, y_tr, x_te, y_te = data()
    plain_net, snap_net = fresh(), fresh()
    plain = train(plain_net, *data(), epochs=8, learning_rate=0.01)
    fit = train(snap_net, *data(), epochs=8, learning_rate=0.01, snapshot_epochs=range(20))
    assert fit.train_loss == plain.train_loss and fit.test_loss == plain.test_loss
    for a, b in zip(plain_net.parameters(), snap_net.parameters(), strict=True):
        assert torch.equal(a, b)
    # The loop runs the weights after epochs 0..7 over all windows; never the final ones.
    assert sorted(fit.snapshots) == list(range(8))
    x_all = torch.cat([x_tr, x_te])
    for epoch in (0, 3, 7):
        net = fresh()
        train(net, *data(), epochs=epoch, learning_rate=0.01)
        with torch.no_grad():
            expected = net(x_all)
        assert not fit.snapshots[epoch].requires_grad
        assert torch.allclose(fit.snapshots[epoch], expected, rtol=0, atol=1e-6), epoch


def test_only_requested_epochs_are_kept() -> None:
    fit = train(fresh(), *data(), epochs=10, learning_rate=0.01, snapshot_epochs={0, 4, 9, 10})
    assert sorted(fit.snapshots) == [0, 4, 9]  # 10: the final weights, the caller's to run
    assert train(fresh(), *data(), epochs=3, learning_rate=0.01).snapshots == {}


def test_divergence_drops_snapshots_of_weights_thrown_away() -> None:
    net = BlowsUpAfter(fresh(), n=5)  # kept: epochs 1..3 (see the test above)
    fit = train(net, *data(), epochs=20, learning_rate=0.01, snapshot_epochs=range(21))
    assert fit.diverged and fit.stopped_epoch == 3
    assert sorted(fit.snapshots) == [0, 1, 2]  # 3: the restored final weights
    assert all(torch.isfinite(s).all() for s in fit.snapshots.values())
