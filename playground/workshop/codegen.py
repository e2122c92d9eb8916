"""generate_script: a self-contained PyTorch script that reproduces one playground run.

The script is made from the playground's own code, as nanoGPT ships its model.py: the
functions and classes that make the signal, the windows, the split and the scaling, the
model and its seeded initialisation, the training loop and the errors are copied from
their modules' source (`SHIPPED`, read with `source_of`), unchanged, and a short main
holds the run's settings and runs them in the order `experiment.fit` does. So the script
trains the same network on the same data with the same passes and prints the page's
numbers to the last digit. Its last line is machine-readable:
`METRICS {"train": {"mse": ..., "mae": ..., "rmse": ...}, "test": {...}, ...}`.

What is not copied, and why:
- imports: the shipped definitions use only the standard library, numpy and torch; the
  script imports those names once at its top (`IMPORTS`; a test runs ruff's undefined-
  and unused-name checks over the scripts).
- `check_stop` (pipeline/threads.py): the playground stops a training there when its
  server shuts down; the script gets a stand-in that does nothing (`STAND_INS`).
- a real series' CSV file: its values are written into the script as two arrays.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
from functools import cache
from types import ModuleType

import numpy as np

from playground import params
from playground.config import PARAMS, ExperimentConfig, format_value
from playground.i18n import t
from playground.pipeline import frames, models, signals, train, windows

# Human names of the cells, for comments and the plot title, and the article each takes
# (said letter by letter: "an RNN", "an LSTM", "a GRU").
CELL_NAMES: dict[str, str] = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
ARTICLES: dict[str, str] = {"rnn": "An", "lstm": "An", "gru": "A"}
SCRIPT_SUFFIX = "script.py"  # the downloaded script is `<run name>_script.py`

# The script's parts after the signal: (heading, what it does, the module, the names
# copied from it).
SHIPPED: tuple[tuple[str, str, ModuleType, tuple[str, ...]], ...] = (
    (
        "2. Windows, the chronological split, scaling",
        "Each input is SEQ_LENGTH past values and its target the next one; the earliest\n"
        "windows train, the rest test; values are scaled by the training points' range.",
        windows,
        ("make_windows", "split_index", "Scaler"),
    ),
    (
        "3. The gate table",
        "Which block of an LSTM's or GRU's weight rows is the gate that keeps the memory\n"
        "(KEEP_GATE_BIAS is added to its bias).",
        params,
        ("CELL_GATES", "KEEP_GATE", "keep_gate_block"),
    ),
    (
        "4. The model and its seeded initialisation",
        "Recurrent layers, then a linear head on the last hidden state; PyTorch's default\n"
        "init distributions, drawn from a generator seeded with SEED.",
        models,
        ("CELLS", "SequenceRegressor", "build_model", "init_model"),
    ),
    (
        "5. Training",
        "Full batch, one step per epoch, Adam or SGD on the mean squared error. One forward\n"
        "pass over train and test windows together gives a step's train loss and the test\n"
        "loss of the weights the step before left: float sums round differently when the\n"
        "same windows are batched otherwise, so these passes give the page's numbers.",
        train,
        ("EpochCallback", "TrainResult", "train"),
    ),
    (
        "6. The errors",
        "Of the predictions, in the signal's own units.",
        frames,
        ("errors",),
    ),
)

# Names the shipped code calls whose playground version is not copied, with the source
# that takes their place in the script.
STAND_INS: dict[str, str] = {
    "check_stop": '''def check_stop():
    """The playground gives up a training here when its server is stopping
    (pipeline/threads.py). A script run by hand has nothing to check: Ctrl-C stops it."""
''',
}

IMPORTS = """import json
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
"""

HEADER = '''"""RNN Playground run, exported as a plain PyTorch script.

{article} {cell_name} reads windows of the last {seq_length} values of a noisy series and
learns to predict the next value. Run it with `python {file_name}`; it needs numpy
and torch, and draws a plot if matplotlib is installed.

The settings come from the playground's page and the code is the playground's own
(each part names the module it was copied from), so this script trains the same
network on the same data and prints the same metrics as the page.
"""

{imports}
try:  # plotting is optional: the script trains and reports without it
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

# ---- Settings (copied from the playground) ---------------------------------------
{settings}
'''

PART = "\n\n# ---- {heading} ({path}) ----{about}\n\n\n{source}"

MAIN = '''

# ---- 7. The run: the steps of the playground's experiment.fit --------------------------
# One thread, as in the playground: threaded float sums can round differently.
torch.set_num_threads(1)

# The data: one numpy Generator seeded with SEED draws the noise, so it never changes.
rng = np.random.default_rng(SEED)
{make_data}
X, Y = make_windows(y, SEQ_LENGTH)  # (N, L) inputs, (N,) targets: the next values
n_train = split_index(len(Y), TRAIN_FRACTION)  # the earliest windows train
scaler = Scaler.fit(y[: SEQ_LENGTH + n_train])  # fitted on the training points only
Xs = torch.from_numpy(scaler.transform(X)).float()  # (N, L)
Ys = torch.from_numpy(scaler.transform(Y)).float()  # (N,)

# The network, its weights drawn from a generator seeded with SEED.
net = init_model(MODEL, HIDDEN_SIZE, NUM_LAYERS, SEED, INIT_SCALE, KEEP_GATE_BIAS)


def report(epoch, train_loss, test_loss):
    """Print about ten of the epochs' losses (MSE in the signal's units)."""
    if epoch == 1 or epoch % max(1, EPOCHS // 10) == 0 or epoch == EPOCHS:
        print(f"epoch {{epoch:4d}}  train MSE {{train_loss:.5f}}  test MSE {{test_loss:.5f}}")


result = train(
    net,
    Xs[:n_train],
    Ys[:n_train],
    Xs[n_train:],
    Ys[n_train:],
    epochs=EPOCHS,
    learning_rate=LEARNING_RATE,
    loss_scale=scaler.half_range**2,  # scaled MSE -> the signal's units
    on_epoch=report,
    clip_grad=CLIP_GRAD,
    optimizer=OPTIMIZER,
)
if result.diverged:
    print(f"diverged; keeping the weights of epoch {{result.stopped_epoch}}")

# Predictions and errors, in the signal's own units.
net.eval()
with torch.no_grad():
    pred = scaler.inverse(net(Xs).double().numpy())  # (N,) prediction for y[SEQ_LENGTH:]
err = pred - Y  # (N,)
metrics = {{"train": errors(err[:n_train]), "test": errors(err[n_train:])}}
for split, m in metrics.items():
    print(f"{{split:5s}}  MSE {{m['mse']:.5f}}  MAE {{m['mae']:.5f}}  RMSE {{m['rmse']:.5f}}")

# ---- 8. Plot (only if matplotlib is installed) ---------------------------------------
if plt is not None:
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7))
    top.scatter(t, y, s=10, color="grey", label="truth")
    top.plot(t[SEQ_LENGTH:], pred, color="tab:red", label="prediction")
    top.axvspan(t[SEQ_LENGTH + n_train], t[-1], alpha=0.12, label="test")
    top.set_title("{cell_name}: signal and one-step prediction")
    top.legend()
    bottom.semilogy(result.train_loss, label="train")
    bottom.semilogy(result.test_loss, label="test")
    bottom.set_xlabel("epoch")
    bottom.set_ylabel("MSE")
    bottom.legend()
    fig.tight_layout()
    plt.show()

# Machine-readable summary (one line, JSON).
last = {{"train": None, "test": None}}
if result.train_loss:
    last = {{"train": result.train_loss[-1], "test": result.test_loss[-1]}}
summary = dict(metrics, epochs_run=result.stopped_epoch,
               final_train_loss=last["train"], final_test_loss=last["test"])
print("METRICS " + json.dumps(summary))
'''


def source_of(module: ModuleType, name: str) -> str:
    """The source of `module`'s top-level definition of `name` (a def, a class with its
    decorators, or an assignment), with the comment lines right above it, as written."""
    try:
        return definitions(module)[name]
    except KeyError:
        raise KeyError(f"{module.__name__} defines no {name!r} at its top level") from None


@cache
def definitions(module: ModuleType) -> dict[str, str]:
    """Name -> source (see source_of) of each top-level definition in `module`'s file."""
    text = inspect.getsource(module)
    lines = text.splitlines()
    found = {}
    for node in ast.parse(text).body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        first -= 1  # 0-based
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        for name in defined_names(node):
            found[name] = "\n".join(lines[first : node.end_lineno]) + "\n"
    return found


def defined_names(node: ast.stmt) -> set[str]:
    """The names a top-level statement defines (def, class, plain or annotated assignment)."""
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return {node.name}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def module_path(module: ModuleType) -> str:
    """`playground/pipeline/train.py` for the module playground.pipeline.train."""
    return module.__name__.replace(".", "/") + ".py"


def array_literal(values: np.ndarray) -> str:
    """`np.array([...])` source holding `values` exactly (repr of each float)."""
    lines, line = [], ""
    for item in (repr(float(v)) for v in values):
        if line and len(line) + len(item) > 80:
            lines.append(line.rstrip())
            line = ""
        line += item + ", "
    lines.append(line.rstrip())
    body = "\n".join("    " + ln for ln in lines)
    return f"np.array([\n{body}\n])"


def real_series_source(name: str) -> str:
    """The part of the script for the shipped series `name`: its values (with its CSV
    file's provenance) and signals.most_recent, which picks the points a run uses."""
    text = (signals.DATASETS_DIR / f"{name}.csv").read_text(encoding="utf-8")
    about = "\n".join(f"# {ln[1:].strip()}" for ln in text.splitlines() if ln.startswith("#"))
    t_all, y_all = signals.load_dataset(name)
    return (
        f"# The real series {name!r}, from the playground's datasets/{name}.csv:\n{about}\n"
        f"T_DATA = {array_literal(t_all)}\nY_DATA = {array_literal(y_all)}\n\n\n"
        + source_of(signals, "most_recent")
    )


def signal_source(signal: str) -> str:
    """The signal part of the script: the maker of `signal` from pipeline/signals.py (with
    the time grid it uses), or a real series' values and most_recent."""
    if signal in signals.REAL_SERIES:
        return real_series_source(signal)
    return source_of(signals, "time_grid") + "\n\n" + source_of(signals, signal)


def make_data_line(signal: str) -> str:
    """The main's line that makes (t, y) for `signal`, as signals.make_signal does."""
    if signal in signals.REAL_SERIES:  # a real series ignores NOISE (and the rng)
        return "t, y = most_recent(T_DATA, Y_DATA, N_POINTS)  # (n,), (n,)"
    return f"t, y = {signal}(N_POINTS, NOISE, rng)  # (n,), (n,)"


# Signal key -> the signal part of the script (every registered signal has one).
SIGNAL_SOURCES: dict[str, str] = {key: signal_source(key) for key in signals.SIGNAL_MAKERS}


def part(heading: str, about: str, path: str, sources: list[str]) -> str:
    """One part of the script: its heading, what it does (as comments), its code."""
    about = "".join(f"\n# {line}" for line in about.splitlines())
    source = "\n\n\n".join(s.rstrip("\n") for s in sources) + "\n"
    return PART.format(heading=heading, about=about, path=path, source=source)


@cache
def shipped_code() -> str:
    """Parts 2-6 of every script, each module's names as written, then the stand-ins."""
    parts = [
        part(heading, about, module_path(module), [source_of(module, n) for n in names])
        for heading, about, module, names in SHIPPED
    ]
    about = "For what the playground's server needs and a script does not."
    path = "in place of playground/pipeline/threads.py"
    parts.append(part("Stand-ins", about, path, list(STAND_INS.values())))
    return "".join(parts)


def generate_script(cfg: ExperimentConfig) -> str:
    """A runnable, commented PyTorch script reproducing the run `cfg` describes.

    Raises KeyError when `cfg.signal` has no script source (e.g. an uploaded series).
    """
    if cfg.signal not in SIGNAL_SOURCES:
        raise KeyError(f"no script source for signal {cfg.signal!r}")
    header = HEADER.format(
        article=ARTICLES[cfg.model],
        cell_name=CELL_NAMES[cfg.model],
        seq_length=cfg.seq_length,
        file_name=script_name(cfg),
        imports=IMPORTS,
        settings=format_settings(cfg),
    )
    about = (
        "A real series: its values, as shipped. NOISE and SEED do not change it."
        if cfg.signal in signals.REAL_SERIES
        else "The series to learn; one numpy Generator seeded with SEED draws its noise."
    )
    signal = part("1. The signal", about, module_path(signals), [SIGNAL_SOURCES[cfg.signal]])
    main = MAIN.format(make_data=make_data_line(cfg.signal), cell_name=CELL_NAMES[cfg.model])
    return header + signal + shipped_code() + main


def format_settings(cfg: ExperimentConfig) -> str:
    """One `NAME = value  # help` line per parameter, values exactly as in `cfg`."""
    lines = []
    for p in PARAMS:
        value = getattr(cfg, p.name)
        literal = repr(value) if isinstance(value, str) else format_value(value)
        lines.append(f"{p.name.upper()} = {literal}  # {t('en', f'param.{p.name}.help')}")
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
