"""Full-batch training loop with a progress callback and a divergence guard.

Speed (see bench/RESULTS.md): the models are tiny, so per-op overhead dominates, not
arithmetic. One forward pass over train and test windows together gives the train loss of
the step and the test loss of the weights it starts from (no separate test pass); Adam
runs fused (one kernel per parameter); the divergence guard copies the weights in place
into one preallocated buffer instead of cloning a state_dict every epoch.

Snapshots (the replay of training): the forward pass of epoch e + 1 is the prediction of
the weights after epoch e over every window, so asking for `snapshot_epochs` keeps a
reference to that output (no extra pass, no copy, the arithmetic unchanged). It is run
in training mode: equal to an inference pass for RNN and GRU, within the last float32 bit
for LSTM (CPU kernels differ). The weights after the last epoch are never run over all
windows in the loop: the caller's final prediction is that snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from playground.pipeline.threads import check_stop

# on_epoch(epoch, train_loss, test_loss): epoch counts from 1; losses are MSE in the
# signal's own units. The loop calls it once per kept epoch, in order; throttling is the
# caller's. (It runs as soon as epoch `e`'s test loss is known: during epoch e + 1.)
EpochCallback = Callable[[int, float, float], None]


@dataclass
class TrainResult:
    """What training produced: per-epoch losses and how it ended."""

    train_loss: list[float] = field(default_factory=list)  # MSE per epoch, signal units
    test_loss: list[float] = field(default_factory=list)  # MSE per epoch, signal units
    diverged: bool = False  # the loss became NaN/inf; weights are the last good ones
    stopped_epoch: int = 0  # last epoch whose results were kept
    # epoch e -> (N_train + N_test,) scaled outputs over train then test windows of the
    # weights after e updates (0 = untrained): each requested e < stopped_epoch (the
    # loop never runs the final weights over all windows: the caller's last prediction).
    snapshots: dict[int, torch.Tensor] = field(default_factory=dict)
    # epoch e -> the norm of the change of all the weights in e's update, for the epochs
    # kept (an update the loop undid on divergence is not kept)
    update_sizes: list[float] = field(default_factory=list)


def train(
    net: nn.Module,
    x_train: torch.Tensor,  # (N_train, L) scaled inputs
    y_train: torch.Tensor,  # (N_train,) scaled targets
    x_test: torch.Tensor,  # (N_test, L)
    y_test: torch.Tensor,  # (N_test,)
    epochs: int,
    learning_rate: float,
    loss_scale: float = 1.0,  # multiply scaled MSE by this to get signal units
    on_epoch: EpochCallback | None = None,
    clip_grad: float = 0.0,  # max total gradient norm per step; 0 = no clipping
    snapshot_epochs: Collection[int] = (),  # keep the outputs of these weights (0 = initial)
    optimizer: str = "adam",  # "adam" | "sgd"
) -> TrainResult:
    """Train `net` in place with Adam (or plain SGD) on MSE, one full-batch step per epoch.

    Epoch e records the train loss of its step (the weights before its update, as in
    the tutorial) and the test loss of the weights after its update. Stops early if a
    loss is NaN/inf, restoring the weights of the last epoch whose losses were finite.
    Outputs of the weights after each epoch in `snapshot_epochs` go to
    `result.snapshots` (those before `stopped_epoch`). `result.update_sizes` holds the
    size of each update (the norm of all the weights' change in its step).
    """
    params = [p for p in net.parameters() if p.requires_grad]
    if optimizer == "adam":
        opt = torch.optim.Adam(params, lr=learning_rate, fused=True)
    elif optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=learning_rate)
    else:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    x_all = torch.cat([x_train, x_test])  # (N, L): one pass serves both losses
    n_train = len(x_train)
    result = TrainResult()
    wanted = frozenset(snapshot_epochs)
    before = [p.detach().clone() for p in params]  # weights before the latest step
    net.train()

    def keep(epoch: int, train_loss: float, test_loss: float) -> bool:
        """Record epoch `epoch` if its losses are finite; else restore and stop."""
        if not (math.isfinite(train_loss) and math.isfinite(test_loss)):
            with torch.no_grad():
                for p, b in zip(params, before, strict=True):
                    p.copy_(b)
            result.diverged = True
            drop_snapshots_from(result.stopped_epoch)
            return False
        result.train_loss.append(train_loss)
        result.test_loss.append(test_loss)
        result.stopped_epoch = epoch
        if on_epoch is not None:
            on_epoch(epoch, train_loss, test_loss)
        return True

    def drop_snapshots_from(first: int) -> None:
        """On divergence: keep only snapshots of epochs before `first` (the last kept
        epoch, whose weights the caller runs; later weights were thrown away)."""
        for e in [e for e in result.snapshots if e >= first]:
            del result.snapshots[e]

    steps: list[torch.Tensor] = []  # per update, its size (0-d), read once at the end

    def finish() -> TrainResult:
        """The result, with the sizes of the kept epochs' updates."""
        kept = steps[: result.stopped_epoch]
        result.update_sizes = torch.stack(kept).tolist() if kept else []
        return result

    pending: float | None = None  # train loss of the previous epoch, awaiting its test
    for epoch in range(1, epochs + 1):
        check_stop()  # the playground's server is stopping: give up (raises Stopped)
        opt.zero_grad(set_to_none=True)
        out = net(x_all)  # (N,) predictions of the weights before this step
        if epoch - 1 in wanted:  # those are the weights after epoch - 1
            result.snapshots[epoch - 1] = out.detach()  # a reference: `out` is never written
        loss = F.mse_loss(out[:n_train], y_train)
        train_loss = loss.item() * loss_scale
        if pending is not None:
            # This pass's test loss belongs to the previous epoch's updated weights.
            test_loss = F.mse_loss(out[n_train:].detach(), y_test).item() * loss_scale
            if not keep(epoch - 1, pending, test_loss):
                return finish()
        if not math.isfinite(train_loss):  # the last update broke the weights: undo it, stop
            if pending is not None:
                with torch.no_grad():
                    for p, b in zip(params, before, strict=True):
                        p.copy_(b)
            result.diverged = True
            drop_snapshots_from(result.stopped_epoch)
            return finish()
        pending = train_loss
        with torch.no_grad():
            for b, p in zip(before, params, strict=True):
                b.copy_(p)
        loss.backward()
        if clip_grad > 0.0:
            torch.nn.utils.clip_grad_norm_(params, clip_grad)
        opt.step()
        with torch.no_grad():  # the update's size: ‖weights after − weights before‖
            change = [p - b for p, b in zip(params, before, strict=True)]
            steps.append(torch.nn.utils.get_total_norm(change))  # norm of all, as one vector

    if pending is not None:  # the last epoch's test loss needs one more pass
        with torch.inference_mode():
            test_loss = F.mse_loss(net(x_test), y_test).item() * loss_scale
        keep(epochs, pending, test_loss)
    return finish()
