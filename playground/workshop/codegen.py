"""generate_script: a self-contained PyTorch script that reproduces one playground run.

The script needs only numpy and torch (matplotlib is optional: without it the script
still trains and prints its metrics). It repeats the package's pipeline step by step:
the same seeded signal, windows, split and scaling, the same seeded initialisation,
the same full-batch training (Adam or SGD) and the same metrics, so a learner who runs it at
home sees the numbers the page showed. Its last line is machine-readable:
`METRICS {"train": {"mse": ..., "mae": ..., "rmse": ...}, "test": {...}, ...}`.
"""

from __future__ import annotations

import hashlib

from playground.config import PARAMS, ExperimentConfig, format_value
from playground.i18n import t
from playground.params import CELL_GATES, keep_gate_block
from playground.workshop.script_signals import SIGNAL_SOURCES

# Human names of the cells, for comments and the plot title, and the article each takes
# (said letter by letter: "an RNN", "an LSTM", "a GRU").
CELL_NAMES: dict[str, str] = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
KEEP_GATE_NAMES: dict[str, str] = {"lstm": "the LSTM's forget gate", "gru": "the GRU's update gate"}
ARTICLES: dict[str, str] = {"rnn": "An", "lstm": "An", "gru": "A"}
SCRIPT_SUFFIX = "script.py"  # the downloaded script is `<run name>_script.py`

TEMPLATE = '''"""RNN Playground run, exported as a plain PyTorch script.

{article} {cell_name} reads windows of the last {seq_length} values of a noisy series and
learns to predict the next value. Run it with `python {file_name}`; it needs numpy
and torch, and draws a plot if matplotlib is installed.

Every number below comes from the playground's settings, so this script trains the
same network on the same data and prints the same metrics as the page.
"""

import json
import math

import numpy as np
import torch
from torch import nn

try:  # plotting is optional: the script trains and reports without it
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

# One thread, as in the playground: threaded float sums can round differently.
torch.set_num_threads(1)

# ---- Settings (copied from the playground) ---------------------------------------
{settings}

# ---- 1. The signal ------------------------------------------------------------------
# One numpy Generator seeded with SEED draws the noise, so the data never changes.
{signal_source}

rng = np.random.default_rng(SEED)
t, y = make_signal(N_POINTS, NOISE, rng)  # (n,), (n,)
t, y = t.astype(np.float64), y.astype(np.float64)

# ---- 2. Windows: each input is SEQ_LENGTH past values, the target is the next one ----
n_windows = len(y) - SEQ_LENGTH
X = np.stack([y[i : i + SEQ_LENGTH] for i in range(n_windows)])  # (N, L)
Y = y[SEQ_LENGTH:].copy()  # (N,)

# ---- 3. Chronological split: the earliest windows train, the rest are the test ----
n_train = min(max(int(n_windows * TRAIN_FRACTION), 1), n_windows - 1)

# ---- 4. Scaling to about [-1, 1], fitted on the training points only -----------------
train_points = y[: SEQ_LENGTH + n_train]
lo, hi = float(np.min(train_points)), float(np.max(train_points))
center = (hi + lo) / 2.0
half_range = (hi - lo) / 2.0 if (hi - lo) / 2.0 > 1e-12 else 1.0


def scale(values):
    return (np.asarray(values) - center) / half_range


def unscale(values):
    return np.asarray(values) * half_range + center


Xs = torch.from_numpy(scale(X)).float()  # (N, L)
Ys = torch.from_numpy(scale(Y)).float()  # (N,)
x_train, y_train = Xs[:n_train], Ys[:n_train]
x_test, y_test = Xs[n_train:], Ys[n_train:]


# ---- 5. The model: recurrent layers, then a linear head on the last hidden state -----
class SequenceRegressor(nn.Module):
    def __init__(self, hidden_size, num_layers):
        super().__init__()
        self.rnn = nn.{cell_class}(1, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x):  # x: (B, L) -> (B,)
        out, _ = self.rnn(x.unsqueeze(-1))  # (B, L, H): hidden state at every step
        return self.head(out[:, -1, :]).squeeze(-1)  # last step's state -> prediction


net = SequenceRegressor(HIDDEN_SIZE, NUM_LAYERS)
# PyTorch's default init distributions, drawn from a generator seeded with SEED
# (instead of the global RNG) so the starting weights are reproducible.
generator = torch.Generator().manual_seed(SEED)
bound = 1.0 / math.sqrt(HIDDEN_SIZE)
with torch.no_grad():
    for p in list(net.rnn.parameters()) + list(net.head.parameters()):
        p.uniform_(-bound, bound, generator=generator)
    # Recurrent (hidden-to-hidden) weights times INIT_SCALE: above ~2 gradients explode.
    if INIT_SCALE != 1.0:
        for name, p in net.rnn.named_parameters():
            if name.startswith("weight_hh"):  # (gates*H, H)
                p.mul_(INIT_SCALE)
    # The keep gate starts with KEEP_GATE_BIAS added to its bias: near 1, it keeps what
    # the cell stores for about 1 + e^bias steps. Here: {keep_gate}, block KEEP_BLOCK
    # of the blocks {gates} of HIDDEN_SIZE bias rows each.
    if KEEP_GATE_BIAS and KEEP_BLOCK is not None:
        for layer in range(NUM_LAYERS):
            bias = getattr(net.rnn, f"bias_ih_l{{layer}}")
            bias[KEEP_BLOCK * HIDDEN_SIZE : (KEEP_BLOCK + 1) * HIDDEN_SIZE] += KEEP_GATE_BIAS

# ---- 6. Training: full batch, Adam or SGD, mean squared error -----------------------
# Operation for operation what the playground runs, so the numbers match the page to the
# last digit: float sums round differently when the same windows are batched otherwise.
# One forward pass over train and test windows together gives this step's train loss
# and the test loss of the weights the previous step left.
if OPTIMIZER == "adam":  # each weight's step scaled to about the learning rate
    optimizer = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE, fused=True)
else:  # plain gradient descent: the step is the learning rate times the gradient
    optimizer = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)
loss_fn = nn.MSELoss()
loss_scale = half_range**2  # turns scaled MSE back into the signal's units
x_all = torch.cat([x_train, x_test])  # (N, L)
params = list(net.parameters())
before = [p.detach().clone() for p in params]  # the weights before the latest update
train_losses, test_losses = [], []


def undo_last_update():
    """Training diverged (a loss became NaN or infinite): keep the last good weights."""
    with torch.no_grad():
        for p, b in zip(params, before):
            p.copy_(b)
    print(f"diverged; keeping the weights of epoch {{len(train_losses)}}")


def record(epoch, train_loss, test_loss):
    train_losses.append(train_loss)
    test_losses.append(test_loss)
    if epoch == 1 or epoch % max(1, EPOCHS // 10) == 0 or epoch == EPOCHS:
        print(f"epoch {{epoch:4d}}  train MSE {{train_loss:.5f}}  test MSE {{test_loss:.5f}}")


net.train()
pending = None  # the previous epoch's train loss, waiting for its test loss
for epoch in range(1, EPOCHS + 1):
    optimizer.zero_grad(set_to_none=True)
    out = net(x_all)  # (N,) predictions of the weights before this epoch's update
    loss = loss_fn(out[:n_train], y_train)
    train_loss = loss.item() * loss_scale
    if pending is not None:  # this pass tests the weights of the previous epoch
        test_loss = loss_fn(out[n_train:].detach(), y_test).item() * loss_scale
        if not (math.isfinite(pending) and math.isfinite(test_loss)):
            undo_last_update()
            pending = None
            break
        record(epoch - 1, pending, test_loss)
    if not math.isfinite(train_loss):  # the last update broke the weights
        if pending is not None:
            undo_last_update()
        pending = None
        break
    pending = train_loss
    with torch.no_grad():  # remember the weights before this update
        for b, p in zip(before, params):
            b.copy_(p)
    loss.backward()
    if CLIP_GRAD > 0.0:  # cap the total gradient norm of this step
        torch.nn.utils.clip_grad_norm_(params, CLIP_GRAD)
    optimizer.step()
if pending is not None:  # the last epoch's test loss needs one more pass
    with torch.inference_mode():
        test_loss = loss_fn(net(x_test), y_test).item() * loss_scale
    if math.isfinite(test_loss):
        record(EPOCHS, pending, test_loss)
    else:
        undo_last_update()

# ---- 7. Predictions and errors, in the signal's own units -------------------------
net.eval()
with torch.no_grad():
    pred = unscale(net(Xs).double().numpy())  # (N,) prediction for y[SEQ_LENGTH:]
err = pred - Y  # (N,)
metrics = {{}}
for split, part in (("train", err[:n_train]), ("test", err[n_train:])):
    mse = float(np.mean(part**2))
    metrics[split] = {{"mse": mse, "mae": float(np.mean(np.abs(part))), "rmse": math.sqrt(mse)}}
    print(f"{{split:5s}}  MSE {{mse:.5f}}  MAE {{metrics[split]['mae']:.5f}}  "
          f"RMSE {{metrics[split]['rmse']:.5f}}")

# ---- 8. Plot (only if matplotlib is installed) ---------------------------------------
if plt is not None:
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7))
    top.scatter(t, y, s=10, color="grey", label="truth")
    top.plot(t[SEQ_LENGTH:], pred, color="tab:red", label="prediction")
    top.axvspan(t[SEQ_LENGTH + n_train], t[-1], alpha=0.12, label="test")
    top.set_title("{cell_name}: signal and one-step prediction")
    top.legend()
    bottom.semilogy(train_losses, label="train")
    bottom.semilogy(test_losses, label="test")
    bottom.set_xlabel("epoch")
    bottom.set_ylabel("MSE")
    bottom.legend()
    fig.tight_layout()
    plt.show()

# Machine-readable summary (one line, JSON).
summary = dict(metrics, epochs_run=len(train_losses),
               final_train_loss=train_losses[-1] if train_losses else None,
               final_test_loss=test_losses[-1] if test_losses else None)
print("METRICS " + json.dumps(summary))
'''


def generate_script(cfg: ExperimentConfig) -> str:
    """A runnable, commented PyTorch script reproducing the run `cfg` describes.

    Raises KeyError when `cfg.signal` has no script source (e.g. an uploaded series).
    """
    if cfg.signal not in SIGNAL_SOURCES:
        raise KeyError(f"no script source for signal {cfg.signal!r}")
    return TEMPLATE.format(
        article=ARTICLES[cfg.model],
        cell_name=CELL_NAMES[cfg.model],
        cell_class=CELL_NAMES[cfg.model],
        seq_length=cfg.seq_length,
        file_name=script_name(cfg),
        settings=format_settings(cfg),
        signal_source=SIGNAL_SOURCES[cfg.signal].rstrip("\n"),
        keep_gate=KEEP_GATE_NAMES.get(cfg.model, "the plain RNN has none"),
        gates="(" + ", ".join(CELL_GATES[cfg.model]) + ")",
    )


def format_settings(cfg: ExperimentConfig) -> str:
    """One `NAME = value  # help` line per parameter, values exactly as in `cfg`."""
    lines = []
    for p in PARAMS:
        value = getattr(cfg, p.name)
        literal = repr(value) if isinstance(value, str) else format_value(value)
        lines.append(f"{p.name.upper()} = {literal}  # {t('en', f'param.{p.name}.help')}")
    block = keep_gate_block(cfg.model)
    lines.append(f"KEEP_BLOCK = {block}  # the keep gate's block of weight rows (None: no gate)")
    return "\n".join(lines)


def run_name(cfg: ExperimentConfig) -> str:
    """A name for files of the run `cfg`, e.g. `rnn_playground_lstm_seed0_3f2a9c1d`: the
    model and seed to read, and 8 hex digits of the whole config so that two settings
    never share a name."""
    digest = hashlib.sha256(repr(cfg.key()).encode()).hexdigest()[:8]
    return f"rnn_playground_{cfg.model}_seed{cfg.seed}_{digest}"


def script_name(cfg: ExperimentConfig) -> str:
    """The script's file name, e.g. `rnn_playground_lstm_seed0_3f2a9c1d_script.py`: the
    name the page's download gives it (export.file_name), which its docstring says to run."""
    return f"{run_name(cfg)}_{SCRIPT_SUFFIX}"
