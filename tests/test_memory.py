"""Long memory: recall data is right, and the sweep shows the vanilla RNN's memory fade
while the LSTM and GRU keep recalling."""

import math

import numpy as np
import pytest
import torch

from playground.views.memory import (
    MAX_LAG,
    MemoryConfig,
    build_recall_model,
    make_recall_data,
)


def test_recall_data_target_is_first_value():
    x, y = make_recall_data(7, 50, np.random.default_rng(0))
    assert x.shape == (50, 8) and np.array_equal(y, x[:, 0])
    assert x.min() >= -1 and x.max() <= 1
    with pytest.raises(ValueError):
        make_recall_data(0, 5, np.random.default_rng(0))


@pytest.mark.parametrize("model, rows", [("lstm", slice(16, 32)), ("gru", slice(16, 32))])
def test_keep_gate_bias_applied_to_the_right_rows(model, rows):
    mc = MemoryConfig()
    plain = build_recall_model(model, MemoryConfig(keep_gate_bias=0.0), 0).rnn.bias_ih_l0
    biased = build_recall_model(model, mc, 0).rnn.bias_ih_l0
    diff = (biased - plain).detach()
    assert 1 + math.exp(mc.keep_gate_bias) > MAX_LAG  # memory time at init covers every lag
    assert torch.allclose(diff[rows], torch.full((16,), mc.keep_gate_bias))
    assert float(diff.abs().sum()) == pytest.approx(16 * mc.keep_gate_bias)


# The sweep's lesson (the RNN forgets with the lag, the gated cells hold) is measured
# over seeds 0-4 in tests/test_lessons.py.
