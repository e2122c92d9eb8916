"""One sequence regressor over RNN, LSTM or GRU cells, with seeded initialisation."""

from __future__ import annotations

import math

import torch
from torch import nn

CELLS: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SequenceRegressor(nn.Module):
    """Recurrent layers read a window; a linear head maps the last hidden state to y."""

    def __init__(self, model: str, hidden_size: int, num_layers: int = 1) -> None:
        super().__init__()
        if model not in CELLS:
            raise ValueError(f"unknown model {model!r}; choose from {sorted(CELLS)}")
        self.kind = model
        self.rnn = CELLS[model](1, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, L) or (B, L, 1) -> (B,) prediction of the next value."""
        if x.dim() == 2:
            x = x.unsqueeze(-1)  # (B, L, 1)
        out, _ = self.rnn(x)  # (B, L, H)
        return self.head(out[:, -1, :]).squeeze(-1)  # (B,)


def build_model(
    model: str, hidden_size: int, num_layers: int, generator: torch.Generator
) -> SequenceRegressor:
    """A SequenceRegressor with PyTorch's default init distributions, drawn from
    `generator` instead of the global RNG: U(-1/√H, 1/√H) for recurrent weights
    and biases, U(-1/√fan_in, 1/√fan_in) for the head."""
    # Built on the meta device, so the modules' own init draws nothing from the
    # global RNG (shared by every session's thread); then filled from `generator`.
    with torch.device("meta"):
        net = SequenceRegressor(model, hidden_size, num_layers)
    net = net.to_empty(device="cpu")
    with torch.no_grad():
        bound = 1.0 / math.sqrt(hidden_size)
        for p in net.rnn.parameters():
            p.uniform_(-bound, bound, generator=generator)
        head_bound = 1.0 / math.sqrt(hidden_size)
        for p in net.head.parameters():
            p.uniform_(-head_bound, head_bound, generator=generator)
    return net
