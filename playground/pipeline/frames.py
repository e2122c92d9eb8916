"""Results as tidy (long-format) DataFrames with lower_snake columns."""

from __future__ import annotations

import numpy as np
import pandas as pd


def predictions_frame(
    t: np.ndarray,  # (n,) time of every point
    y: np.ndarray,  # (n,) observed signal
    pred: np.ndarray,  # (N,) prediction for points seq_length .. n-1
    seq_length: int,
    n_train: int,  # windows (targets) that trained
) -> pd.DataFrame:
    """Columns t, series ("truth" | "prediction"), value, split ("train" | "test").

    A point is "test" when it is the target of a held-out window; everything
    before that (including the first window's inputs) is "train".
    """
    n = len(y)
    first_test = seq_length + n_train  # index of the first held-out point
    split = np.where(np.arange(n) < first_test, "train", "test")
    truth = pd.DataFrame({"t": t, "series": "truth", "value": y, "split": split})
    idx = np.arange(seq_length, n)
    prediction = pd.DataFrame(
        {"t": t[idx], "series": "prediction", "value": pred, "split": split[idx]}
    )
    return pd.concat([truth, prediction], ignore_index=True)


def losses_frame(train_loss: list[float], test_loss: list[float]) -> pd.DataFrame:
    """Columns epoch (from 1), split ("train" | "test"), loss (MSE)."""
    epochs = np.arange(1, len(train_loss) + 1)
    return pd.concat(
        [
            pd.DataFrame({"epoch": epochs, "split": "train", "loss": train_loss}),
            pd.DataFrame({"epoch": epochs, "split": "test", "loss": test_loss}),
        ],
        ignore_index=True,
    )


def metrics_frame(predictions: pd.DataFrame, model: str) -> pd.DataFrame:
    """Columns model, split, mse, mae, rmse: errors of the prediction per split."""
    truth = predictions[predictions.series == "truth"].set_index("t")
    pred = predictions[predictions.series == "prediction"]
    rows = []
    for split in ("train", "test"):
        part = pred[pred.split == split]
        err = part.value.to_numpy() - truth.loc[part.t, "value"].to_numpy()
        rows.append({"model": model, "split": split, **errors(err)})
    return pd.DataFrame(rows)


def errors(err: np.ndarray) -> dict[str, float]:
    """The mean squared error, mean absolute error and root mean squared error of the
    prediction errors `err` (prediction - truth, one per point)."""
    mse = float(np.mean(err**2))
    return {"mse": mse, "mae": float(np.mean(np.abs(err))), "rmse": float(np.sqrt(mse))}
