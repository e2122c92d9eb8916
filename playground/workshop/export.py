"""Downloads: a run's frames, its config and its trained weights, as bytes.

Every function is pure and returns the bytes of one file, ready for a download button.
`weights_bytes` saves a run's fitted network (`result.fitted.net`), or refits one
deterministically (`fit_model`: the same pipeline and seeds as `run_experiment`).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict

import pandas as pd
import torch
from torch import nn

from playground.workshop.codegen import SCRIPT_SUFFIX, generate_script, run_name
from playground.config import ExperimentConfig
from playground.i18n import Note
from playground.pipeline.experiment import ExperimentResult, fit

# Download kind -> (file name suffix, MIME type).
FILE_TYPES: dict[str, tuple[str, str]] = {
    "predictions": ("predictions.csv", "text/csv"),
    "losses": ("losses.csv", "text/csv"),
    "metrics": ("metrics.csv", "text/csv"),
    "config": ("config.json", "application/json"),
    "weights": ("weights.pt", "application/octet-stream"),
    "script": (SCRIPT_SUFFIX, "text/x-python"),
}


def file_name(cfg: ExperimentConfig, kind: str) -> str:
    """e.g. `rnn_playground_lstm_seed0_3f2a9c1d_losses.csv` for `kind` in FILE_TYPES
    (codegen.run_name: other settings, other name)."""
    return f"{run_name(cfg)}_{FILE_TYPES[kind][0]}"


def mime_type(kind: str) -> str:
    """The MIME type of a download `kind`."""
    return FILE_TYPES[kind][1]


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV without the index; floats at full precision."""
    return frame.to_csv(index=False, float_format="%.17g").encode("utf-8")


def predictions_csv(result: ExperimentResult) -> bytes:
    """Columns t, series, value, split (see frames.predictions_frame)."""
    return frame_csv(result.predictions)


def losses_csv(result: ExperimentResult) -> bytes:
    """Columns epoch, split, loss (MSE per epoch, signal units)."""
    return frame_csv(result.losses)


def metrics_csv(result: ExperimentResult) -> bytes:
    """Columns model, split, mse, mae, rmse."""
    return frame_csv(result.metrics)


def config_json(cfg: ExperimentConfig) -> bytes:
    """Every field of `cfg` as pretty JSON; `config_from_json` reads it back exactly."""
    return (json.dumps(asdict(cfg), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def config_from_json(data: bytes | str) -> tuple[ExperimentConfig, list[Note]]:
    """A config from `config_json` output (or a hand-edited copy), never raising.

    Values go through the same clamping as the URL (config.py's notes); unreadable JSON
    gives the default config and one note (`note.config_json`, `note.config_object` or
    `note.config_overflow`). Returns (config, notes).
    """
    try:
        values = json.loads(data)
    except (ValueError, TypeError) as err:  # JSONDecodeError and UnicodeDecodeError
        return ExperimentConfig(), [Note("note.config_json", {"error": type(err).__name__})]
    if not isinstance(values, dict):
        return ExperimentConfig(), [Note("note.config_object")]
    try:
        return ExperimentConfig.from_values(values)
    except OverflowError:  # config.coerce: float() of an int beyond float range
        return ExperimentConfig(), [Note("note.config_overflow")]


def fit_model(cfg: ExperimentConfig) -> nn.Module:
    """The trained network of `run_experiment(cfg)`: same data, seeds and training.

    It is experiment.fit's network (init_scale and clip_grad included; a test checks
    its predictions are identical), so the weights belong to the run the page showed.
    """
    return fit(cfg).net


def weights_bytes(cfg: ExperimentConfig, net: nn.Module | None = None) -> bytes:
    """`torch.save` of the trained model's state_dict: of `net` (the run's fitted
    network, e.g. `result.fitted.net`) or, without it, of a refit (a training's time).

    Load with `net.load_state_dict(torch.load(io.BytesIO(data)))` into
    `SequenceRegressor(cfg.model, cfg.hidden_size, cfg.num_layers)` (the exported
    script carries that class as written).
    """
    buffer = io.BytesIO()
    torch.save((fit_model(cfg) if net is None else net).state_dict(), buffer)
    return buffer.getvalue()


def script_bytes(cfg: ExperimentConfig) -> bytes:
    """The runnable PyTorch script of codegen.generate_script, UTF-8."""
    return generate_script(cfg).encode("utf-8")
