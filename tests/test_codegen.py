"""The exported script runs on its own and reproduces run_experiment's numbers."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from configs import CHAOTIC
from playground import ExperimentConfig, run_experiment
from playground.workshop.codegen import (
    SHIPPED,
    SIGNAL_SOURCES,
    STAND_INS,
    generate_script,
    make_data_line,
    script_name,
    source_of,
)
from playground.pipeline import models, signals, train, windows
from playground.pipeline.signals import SIGNAL_MAKERS

RUFF = Path(sys.executable).with_name("ruff")

CONFIGS = [
    ExperimentConfig(epochs=20),  # the tutorial, shortened
    ExperimentConfig(model="lstm", noise=0.3, seq_length=15, hidden_size=16, epochs=25, seed=3),
    ExperimentConfig(
        model="gru",
        num_layers=2,
        hidden_size=12,
        n_points=120,
        train_fraction=0.7,
        learning_rate=0.02,
        epochs=15,
        seed=7,
    ),
    ExperimentConfig(model="rnn", noise=0.0, seq_length=5, hidden_size=4, epochs=30, seed=11),
    # Large recurrent weights and a gradient cap: both must be reproduced exactly.
    ExperimentConfig(model="rnn", seq_length=20, init_scale=2.5, clip_grad=0.5, epochs=15, seed=2),
    ExperimentConfig(model="gru", init_scale=0.5, clip_grad=0.05, hidden_size=8, epochs=12),
    # A shipped real series: its values are embedded in the script.
    ExperimentConfig(signal="airline", n_points=140, seq_length=12, model="lstm", epochs=10),
    CHAOTIC,  # a last-bit difference grows into another result
    ExperimentConfig(noise=0.3, epochs=300),
    # The keep gate biased open, in every layer.
    ExperimentConfig(model="lstm", keep_gate_bias=4.0, num_layers=2, hidden_size=8, epochs=20),
    ExperimentConfig(model="gru", keep_gate_bias=2.5, seq_length=30, epochs=20, seed=4),
    # Plain SGD, clipped.
    ExperimentConfig(optimizer="sgd", learning_rate=0.1, clip_grad=1.0, epochs=15, seed=3),
]


def run_script(source: str, tmp_path) -> dict:
    """Run `source` in a fresh interpreter (cwd tmp_path); return its METRICS line."""
    path = tmp_path / "script.py"
    path.write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("METRICS ")]
    assert len(lines) == 1, done.stdout
    return json.loads(lines[0].removeprefix("METRICS "))


@pytest.mark.slow
@pytest.mark.parametrize(
    "cfg",
    CONFIGS,
    ids=lambda c: f"{c.model}-{c.seq_length}-{c.hidden_size}-{c.signal}-{c.epochs}-{c.seed}",
)
def test_script_reproduces_metrics_exactly(cfg, tmp_path):
    """The script prints the page's errors bit for bit (JSON floats round-trip)."""
    result = run_experiment(cfg)
    got = run_script(generate_script(cfg), tmp_path)
    assert got["epochs_run"] == result.stopped_epoch
    for row in result.metrics.itertuples():
        for metric in ("mse", "mae", "rmse"):
            assert got[row.split][metric] == getattr(row, metric), (row.split, metric)
    final = result.losses[result.losses.epoch == result.stopped_epoch].set_index("split").loss
    assert got["final_train_loss"] == final["train"]
    assert got["final_test_loss"] == final["test"]


@pytest.mark.slow  # runs a script in a fresh interpreter, as the comparison it guards
def test_script_differs_when_the_config_does(tmp_path):
    """A guard that the comparison above can fail: another seed, other numbers."""
    cfg = ExperimentConfig(epochs=10)
    other = run_script(generate_script(ExperimentConfig(epochs=10, seed=1)), tmp_path)
    expected = run_experiment(cfg).metrics.set_index("split").loc["test", "mse"]
    assert other["test"]["mse"] != pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_script_is_valid_python_importing_only_numpy_torch_matplotlib(cfg):
    tree = ast.parse(generate_script(cfg))
    top = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            top |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            top.add(node.module.split(".")[0])
    # the standard library's json, math, collections.abc, dataclasses; numpy; torch
    assert top <= {"json", "math", "collections", "dataclasses", "numpy", "torch", "matplotlib"}
    assert "playground" not in top


def test_the_scripts_have_no_undefined_or_unused_names(tmp_path):
    """ruff's pyflakes checks over every script: each name the copied code uses is
    defined in the script (imported once at its top, copied, or a stand-in)."""
    paths = []
    for i, cfg in enumerate(CONFIGS):
        paths.append(tmp_path / f"script_{i}.py")
        paths[-1].write_text(generate_script(cfg), encoding="utf-8")
    done = subprocess.run(
        [str(RUFF), "check", "--no-cache", "--isolated", "--select", "F", *map(str, paths)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_script_is_the_modules_code_as_written():
    """Parts 2-6 are the modules' source, unchanged; the signal part is the signal's."""
    script = generate_script(ExperimentConfig(model="lstm", signal="square"))
    for _, _, module, names in SHIPPED:
        for name in names:
            assert source_of(module, name) in script, (module.__name__, name)
    assert source_of(signals, "square") in script and "def sine(" not in script
    # A def or class comes as inspect.getsource gives it (comments above it included).
    for obj in (train.train, train.TrainResult, models.init_model, windows.Scaler):
        assert source_of(inspect.getmodule(obj), obj.__name__).endswith(inspect.getsource(obj))
    assert source_of(models, "CELLS").rstrip().endswith('"gru": nn.GRU}')


def test_each_stand_in_replaces_a_name_the_copied_code_imports_from_the_playground():
    """Stand-ins are only for playground names, never a second copy of shipped code."""
    imported = set()
    for _, _, module, _ in SHIPPED:
        for node in ast.parse(inspect.getsource(module)).body:
            if isinstance(node, ast.ImportFrom) and node.module.startswith("playground"):
                imported |= {alias.name for alias in node.names}
    shipped = {name for _, _, _, names in SHIPPED for name in names}
    assert set(STAND_INS) <= imported - shipped
    assert all(f"def {name}(" in STAND_INS[name] for name in STAND_INS)


def test_source_of_names_a_missing_definition():
    with pytest.raises(KeyError, match="no_such_name"):
        source_of(windows, "no_such_name")


def test_script_carries_every_setting_exactly():
    cfg = ExperimentConfig(noise=0.37, learning_rate=0.0123, model="gru", seed=42)
    source = generate_script(cfg)
    assert "NOISE = 0.37  #" in source
    assert "LEARNING_RATE = 0.0123  #" in source
    assert "MODEL = 'gru'  #" in source
    assert "torch.set_num_threads(1)" in source


def test_unknown_signal_is_a_named_error(monkeypatch):
    cfg = ExperimentConfig()
    monkeypatch.setattr("playground.workshop.codegen.SIGNAL_SOURCES", {})
    with pytest.raises(KeyError, match="sine"):
        generate_script(cfg)


def test_script_name():
    name = script_name(ExperimentConfig(model="lstm", seed=5))
    assert name.startswith("rnn_playground_lstm_seed5_") and name.endswith(".py")
    assert name != script_name(ExperimentConfig(model="lstm", seed=5, noise=0.2))


def test_every_registered_signal_has_a_script_source():
    assert set(SIGNAL_SOURCES) == set(SIGNAL_MAKERS)


@pytest.mark.parametrize("signal", sorted(SIGNAL_MAKERS))
@pytest.mark.parametrize(("n_points", "noise", "seed"), [(100, 0.1, 0), (333, 0.7, 5)])
def test_script_signal_draws_what_the_package_draws(signal, n_points, noise, seed):
    """The script's signal part, run on its own with numpy alone, gives the package's
    series bit for bit (a real series: its values written into the script)."""
    namespace = {"np": np, "N_POINTS": n_points, "NOISE": noise}
    exec(SIGNAL_SOURCES[signal], namespace)
    namespace["rng"] = np.random.default_rng(seed)
    exec(make_data_line(signal), namespace)  # the main's line: t, y = ...
    t_ref, y_ref = SIGNAL_MAKERS[signal](n_points, noise, np.random.default_rng(seed))
    np.testing.assert_array_equal(np.asarray(namespace["t"], dtype=np.float64), t_ref)
    np.testing.assert_array_equal(np.asarray(namespace["y"], dtype=np.float64), y_ref)


@pytest.mark.slow  # runs a script in a fresh interpreter, as the comparison it guards
def test_clipping_and_init_scale_change_the_script_run(tmp_path):
    """Guard for the configs above: the two settings matter to the numbers."""
    base = ExperimentConfig(model="rnn", seq_length=20, epochs=15, seed=2)
    scaled = run_script(generate_script(replace(base, init_scale=2.5, clip_grad=0.5)), tmp_path)
    plain = run_experiment(base).metrics.set_index("split").loc["test", "mse"]
    assert scaled["test"]["mse"] != pytest.approx(plain, rel=1e-4)


@pytest.mark.parametrize(
    ("model", "article"), [("rnn", "An RNN"), ("lstm", "An LSTM"), ("gru", "A GRU")]
)
def test_the_docstring_names_the_downloaded_file_with_the_right_article(model, article):
    """The script says to run the file the page downloads, and "An RNN", not "A RNN"."""
    from playground.workshop.export import file_name

    cfg = ExperimentConfig(model=model, seed=3)
    script = generate_script(cfg)
    assert f"`python {file_name(cfg, 'script')}`" in script
    assert f"\n{article} reads windows" in script
