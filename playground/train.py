"""Full-batch training loop with a progress callback and a divergence guard."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import torch
from torch import nn

# on_epoch(epoch, train_loss, test_loss): epoch counts from 1; losses are MSE in the
# signal's own units. The loop calls it after every epoch; throttling is the caller's.
EpochCallback = Callable[[int, float, float], None]


@dataclass
class TrainResult:
    """What training produced: per-epoch losses and how it ended."""

    train_loss: list[float] = field(default_factory=list)  # MSE per epoch, signal units
    test_loss: list[float] = field(default_factory=list)  # MSE per epoch, signal units
    diverged: bool = False  # the loss became NaN/inf; weights are the last good ones
    stopped_epoch: int = 0  # last epoch whose results were kept


def train(
    net: nn.Module,
    x_train: torch.Tensor,  # (N_train, L) scaled inputs
    y_train: torch.Tensor,  # (N_train,) scaled targets
    x_test: torch.Tensor,  # (N_test, L)
    y_test: torch.Tensor,  # (N_test,)
    epochs: int,
    learning_rate: float,
    loss_scale: float = 1.0,  # multiply scaled MSE by this to get signal units
    on_epoch: Optional[EpochCallback] = None,
    clip_grad: float = 0.0,  # max total gradient norm per step; 0 = no clipping
) -> TrainResult:
    """Train `net` in place with Adam on MSE, one full-batch step per epoch.

    Records train loss (the loss of the step, before its update, as in the
    tutorial) and test loss (after the update). Stops early if a loss is NaN/inf,
    restoring the weights of the last finite epoch.
    """
    opt = torch.optim.Adam(net.parameters(), lr=learning_rate, foreach=False)
    loss_fn = nn.MSELoss()
    result = TrainResult()
    last_good = {k: v.detach().clone() for k, v in net.state_dict().items()}
    for epoch in range(1, epochs + 1):
        net.train()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x_train), y_train)
        loss.backward()
        if clip_grad > 0.0:
            torch.nn.utils.clip_grad_norm_(net.parameters(), clip_grad)
        opt.step()
        with torch.no_grad():
            test_loss = loss_fn(net(x_test), y_test).item() * loss_scale
        train_loss = loss.item() * loss_scale
        if not (math.isfinite(train_loss) and math.isfinite(test_loss)):
            net.load_state_dict(last_good)
            result.diverged = True
            break
        # A finite test loss after the update means the new weights are usable.
        last_good = {k: v.detach().clone() for k, v in net.state_dict().items()}
        result.train_loss.append(train_loss)
        result.test_loss.append(test_loss)
        result.stopped_epoch = epoch
        if on_epoch is not None:
            on_epoch(epoch, train_loss, test_loss)
    return result
