"""The compute budget's cost model: what one epoch of a model costs, in work units.

A run may cost MAX_WORK (config.ExperimentConfig.work / max_epochs / max_points read
it); bench/bench_cost.py fits the constants to measured times.
"""

from __future__ import annotations

from functools import lru_cache

from playground.params import weight_blocks

# Cost budget: one "work unit" is about 0.3 ns of one core here (bench/bench_cost.py,
# SECONDS_PER_WORK). A recurrent step of one layer costs, per window,
# weight_blocks x (MAC_WORK x H x (H_in + H + 2) + ELEMENT_WORK + ELEMENT_WORK_PER_UNIT x H): gate
# matrices (input, hidden, biases; MAC_WORK units per multiply-accumulate, fitted to the
# measured forward + backward times) and elementwise ops (the LSTM kernel's elementwise
# part grows with H); plus STEP_WORK[model] once for the op dispatch that dominates small
# models. A run may cost MAX_WORK, ~4.8 s of one core at SECONDS_PER_WORK; measured
# 1.5-7.8 s of CPU on a machine loaded 3-6 (bench/RESULTS.md; the limit is 10 s). The
# largest LSTM sizes at MIN_EPOCHS set it: it cannot be lower without smaller bounds.
#
# Every reachable config trains at least MIN_EPOCHS: where the sizes (hidden size, layers,
# window) would leave fewer, the number of points is lowered first (`max_points`), for
# every model alike (Compare and Forecast train all three on the same points); then
# epochs are lowered to what the budget allows (`max_epochs`). The bounds make this
# possible: at hidden 128, 3 layers and a window of 50 the points can still go down to
# 2 x 50 (tests/test_config.py checks every corner).
STEP_WORK: dict[str, float] = {"rnn": 3.0e5, "gru": 9.0e5, "lstm": 3.0e5}  # per step, layer
MAC_WORK: float = 0.4  # per multiply-accumulate of a gate matrix (forward and backward)
ELEMENT_WORK: float = 300.0  # per window, gate, step and layer
ELEMENT_WORK_PER_UNIT: float = 30.0  # the same, per hidden unit
EPOCH_WORK: float = 2.0e6  # optimizer, loss and bookkeeping per epoch
MAX_WORK: float = 1.6e10
MIN_EPOCHS: int = 30  # no reachable config trains fewer (unless its epochs say so)
SECONDS_PER_WORK: float = 0.3e-9  # one core of the machine in bench/RESULTS.md


@lru_cache(maxsize=4096)
def epoch_terms(
    model: str, hidden_size: int, num_layers: int, seq_length: int
) -> tuple[float, float]:
    """(fixed, per window) work of one epoch of `model` at these sizes: one epoch costs
    fixed + per_window x number of windows. Memoised: the sidebar asks for the budget of
    the same few sizes on every rerun."""
    h = hidden_size
    per_step = per_window = 0.0  # one time step through every layer
    for layer in range(num_layers):
        h_in = 1 if layer == 0 else h
        elementwise = ELEMENT_WORK + ELEMENT_WORK_PER_UNIT * h
        per_step += STEP_WORK[model]
        per_window += weight_blocks(model) * (MAC_WORK * h * (h_in + h + 2) + elementwise)
    return seq_length * per_step + EPOCH_WORK, seq_length * per_window
