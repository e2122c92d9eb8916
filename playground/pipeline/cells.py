"""The recurrent cells' equations written out step by step (RNN, LSTM, GRU), so every
hidden state and gate of a trained network is visible and differentiable.

PyTorch's own layers return only hidden states, not gates; `trace` re-runs a network
with its own weights through these equations and is checked against nn.RNN, nn.LSTM and
nn.GRU in the tests. The Inside and Gradients views read networks through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from playground.pipeline.models import SequenceRegressor
from playground.pipeline.threads import single_threaded

# What `trace` records per cell besides the hidden state: its gates (and the LSTM's
# cell state), one (B, L, H) tensor each. The one list of gate names.
GATES: dict[str, tuple[str, ...]] = {
    "rnn": (),
    "lstm": ("input", "forget", "output", "cell_state"),
    "gru": ("update", "reset"),
}


def _rnn_layer(x, h, w_ih, w_hh, b_ih, b_hh):
    """Vanilla RNN over x (B, L, I): h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)."""
    hs = []
    for step in range(x.shape[1]):
        h = torch.tanh(x[:, step] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)  # (B, H)
        hs.append(h)
    return hs, {}


def _lstm_layer(x, h, w_ih, w_hh, b_ih, b_hh):
    """LSTM: i, f, o = σ(·), g = tanh(·); c_t = f c_{t-1} + i g; h_t = o tanh(c_t)."""
    c = torch.zeros_like(h)  # (B, H) cell state
    hs, gates = [], {name: [] for name in GATES["lstm"]}
    for step in range(x.shape[1]):
        pre = x[:, step] @ w_ih.T + b_ih + h @ w_hh.T + b_hh  # (B, 4H)
        i, f, g, o = pre.chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        hs.append(h)
        for name, value in (("input", i), ("forget", f), ("output", o), ("cell_state", c)):
            gates[name].append(value)
    return hs, gates


def _gru_layer(x, h, w_ih, w_hh, b_ih, b_hh):
    """GRU: r, z = σ(·); n = tanh(W_in x + b_in + r (W_hn h + b_hn)); h = (1-z) n + z h."""
    hs, gates = [], {name: [] for name in GATES["gru"]}
    for step in range(x.shape[1]):
        gi = x[:, step] @ w_ih.T + b_ih  # (B, 3H)
        gh = h @ w_hh.T + b_hh  # (B, 3H)
        ri, zi, ni = gi.chunk(3, dim=1)
        rh, zh, nh = gh.chunk(3, dim=1)
        r, z = torch.sigmoid(ri + rh), torch.sigmoid(zi + zh)
        n = torch.tanh(ni + r * nh)
        h = (1.0 - z) * n + z * h
        hs.append(h)
        gates["update"].append(z)
        gates["reset"].append(r)
    return hs, gates


LAYERS = {"rnn": _rnn_layer, "lstm": _lstm_layer, "gru": _gru_layer}


@dataclass
class Trace:
    """Every layer's hidden state and gates over a batch of windows (top layer last)."""

    steps: list[list[torch.Tensor]]  # [layer][step] -> (B, H) hidden state h_t
    gates: list[dict[str, torch.Tensor]]  # [layer] gate name -> (B, L, H)
    prediction: torch.Tensor  # (B,) head applied to the top layer's last h

    def hidden(self, layer: int = -1) -> torch.Tensor:
        """(B, L, H) hidden states of `layer`."""
        return torch.stack(self.steps[layer], dim=1)


@single_threaded
def trace(net: SequenceRegressor, x: torch.Tensor) -> Trace:
    """Run `net` step by step on x (B, L) (scaled units) with the cell equations written
    out, so hidden states and gates are visible and differentiable."""
    layer_fn = LAYERS[net.kind]
    inp = x.unsqueeze(-1) if x.dim() == 2 else x  # (B, L, 1)
    steps, gates = [], []
    for k in range(net.rnn.num_layers):
        w = [
            getattr(net.rnn, f"{n}_l{k}") for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        ]
        h0 = inp.new_zeros(inp.shape[0], net.rnn.hidden_size)  # (B, H)
        hs, g = layer_fn(inp, h0, *w)
        steps.append(hs)
        gates.append({name: torch.stack(v, dim=1) for name, v in g.items()})
        inp = torch.stack(hs, dim=1)  # (B, L, H) input of the next layer
    prediction = net.head(steps[-1][-1]).squeeze(-1)  # (B,)
    return Trace(steps, gates, prediction)
