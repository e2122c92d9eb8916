"""Long memory: recall data is right, and the sweep shows the vanilla RNN's memory fade
while the LSTM and GRU keep recalling."""

import math

import numpy as np
import pytest
import torch

from playground.views.memory import (
    MAX_LAG,
    SALIENCY_COLUMNS,
    MemoryConfig,
    build_recall_model,
    cue_saliency,
    make_recall_data,
    memory_runs,
    memory_sweep,
    saliency_verdicts,
)
from playground.views.saliency import by_lag, input_saliency


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
# over the lesson seeds in tests/test_lessons.py.


TINY = MemoryConfig(lags=(2, 3), models=("rnn", "gru"), seeds=(0, 1), epochs=5, n_train=32)


def test_memory_runs_keep_the_sweep_and_each_runs_saliency():
    runs = memory_runs(TINY)
    assert runs.sweep.equals(memory_sweep(TINY))  # the same trainings, the same frame
    sal = runs.saliency
    assert list(sal.columns) == SALIENCY_COLUMNS
    # per run and stage, one row per input: k = 0 (the last) .. lag (the cue)
    sizes = sal.groupby(["model", "task_lag", "seed", "stage"]).size()
    assert len(sizes) == 2 * 2 * 2 * 2
    assert all(n == lag + 1 for (_, lag, _, _), n in sizes.items())
    assert (sal[sal.cue].lag == sal[sal.cue].task_lag).all() and sal.cue.sum() == 16
    assert (sal.saliency >= 0).all() and np.isfinite(sal.saliency).all()
    cue = cue_saliency(sal)
    assert list(cue.index) == [0, 1] and set(cue.columns) == {"rnn", "gru"}
    (note,) = saliency_verdicts(sal)
    assert note.key == "memory.saliency.verdict" and note.params["lag"] == 3
    assert note.params["model"] == "GRU" and 0 <= note.params["wins"] <= note.params["n"] == 2


def test_a_perfect_recaller_has_saliency_one_on_the_cue_only():
    """The frame's scale: an answer that copies the cue depends on it with 1."""
    copy = torch.nn.Linear(4, 1, bias=False)
    with torch.no_grad():
        copy.weight.copy_(torch.tensor([[1.0, 0.0, 0.0, 0.0]]))
    xs = torch.from_numpy(make_recall_data(3, 10, np.random.default_rng(0))[0]).float()
    sal = by_lag(input_saliency(lambda x: copy(x).squeeze(-1), xs).mean(axis=0))
    np.testing.assert_allclose(sal, [0.0, 0.0, 0.0, 1.0])  # k = 3 is the cue
