"""Long memory: recall data is right, and the sweep shows the vanilla RNN's memory fade
while the LSTM and GRU keep recalling."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from playground.views.memory import (
    MAX_LAG,
    MemoryConfig,
    build_recall_model,
    make_recall_data,
    memory_sweep,
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


@pytest.mark.slow  # about 30-70 s on one core
def test_sweep_rnn_forgets_with_lag_where_lstm_and_gru_hold():
    short = memory_sweep(MemoryConfig(lags=(5,), models=("rnn",), seeds=(0, 1, 2)))
    long = memory_sweep(MemoryConfig(lags=(30,), seeds=(0, 1, 2)))
    sweep = pd.concat([short, long], ignore_index=True)
    assert list(sweep.columns) == ["model", "lag", "seed", "test_mse", "relative_mse"]
    assert len(sweep) == 12 and np.isfinite(sweep.test_mse).all()
    med = sweep.groupby(["model", "lag"]).relative_mse.median()
    assert med["rnn", 5] < 0.05  # a short lag is easy even for the vanilla RNN
    assert med["rnn", 30] > 5 * med["rnn", 5]  # the vanilla RNN's memory fades
    assert med["rnn", 30] > 0.05
    for gated in ("lstm", "gru"):  # the gated cells still recall, and beat the RNN
        assert med[gated, 30] < 0.05
        assert med[gated, 30] < med["rnn", 30] / 3
    # No gated run sat at the "guess 0" plateau (about 1), as the LSTM did with bias +1.
    assert (sweep[sweep.model != "rnn"].relative_mse < 0.5).all()
