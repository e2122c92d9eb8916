"""One sequence regressor over RNN, LSTM or GRU cells, and its seeded initialisation:
every network the app trains or probes starts in `init_model`."""

from __future__ import annotations

import math

import torch
from torch import nn

from playground.params import keep_gate_block

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


def init_model(
    model: str,
    hidden_size: int,
    num_layers: int = 1,
    seed: int = 0,
    init_scale: float = 1.0,
    keep_gate_bias: float = 0.0,
) -> SequenceRegressor:
    """The untrained network: `build_model` drawn from a generator seeded with `seed`,
    recurrent (hidden-to-hidden) weights times `init_scale`, and `keep_gate_bias` added
    to the keep gate's input bias in every layer (LSTM forget gate, GRU update gate; the
    RNN has none). A keep gate at σ(b) keeps a stored value for about 1 + e^b steps."""
    net = build_model(model, hidden_size, num_layers, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        if init_scale != 1.0:
            for name, p in net.rnn.named_parameters():
                if name.startswith("weight_hh"):  # (gates*H, H) hidden-to-hidden
                    p.mul_(init_scale)
        block = keep_gate_block(model)
        if keep_gate_bias and block is not None:
            rows = slice(block * hidden_size, (block + 1) * hidden_size)
            for layer in range(num_layers):
                getattr(net.rnn, f"bias_ih_l{layer}")[rows] += keep_gate_bias
    return net
