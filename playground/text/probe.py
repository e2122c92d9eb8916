"""What a trained character model's units follow: each unit's output over a text, the
features of the text a unit may follow (inside brackets, inside quotes, the position in
the line), and the units ranked by how closely they follow one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from playground.pipeline.threads import single_threaded
from playground.text.charlm import TextResult


@single_threaded
def unit_activations(result: TextResult, text: str) -> np.ndarray:
    """(len(ids), H) the last layer's output of each unit at each character of `text`
    (its known characters), each read with the seq_length characters up to it from a
    zero state, as in training and generation."""
    fitted = result.fitted
    ids = torch.from_numpy(fitted.ids(text))
    L = fitted.seq_length
    if len(ids) == 0:
        return np.zeros((0, fitted.net.rnn.hidden_size), dtype=np.float32)
    padded = torch.cat([ids.new_full((L - 1,), -1), ids])  # -1: before the text
    rows = padded.unfold(0, L, 1)  # (n, L): window ending at each character
    with torch.inference_mode():
        # Windows of equal length from a zero state: the ones near the start are
        # shorter; read them on their own so the padding never enters the network.
        out = torch.empty((len(ids), fitted.net.rnn.hidden_size))
        full = rows[L - 1 :]
        if len(full):
            out[L - 1 :] = fitted.net.hidden(full)[:, -1]
        for i in range(min(L - 1, len(ids))):
            out[i] = fitted.net.hidden(ids[: i + 1].unsqueeze(0))[0, -1]
    return out.numpy()


# ---- Features of the text a unit may follow ---------------------------------------------
OPEN_BRACKETS, CLOSE_BRACKETS = "(（[", ")）]"
FEATURES: tuple[str, ...] = ("in_brackets", "in_quotes", "line_position")


def text_features(text: str) -> pd.DataFrame:
    """Per character of `text`: in_brackets (1 while at least one bracket is open, the
    bracket itself included), in_quotes (1 from an opening quote to its closing one,
    "…" toggling, “…” in pairs) and line_position (characters since the line began, 0
    at a line end)."""
    depth, quoted, column = 0, False, 0
    rows = []
    for c in text:
        if c in OPEN_BRACKETS:
            depth += 1
        opens = c == "“" or (c == '"' and not quoted)
        if opens:
            quoted = True
        rows.append((depth > 0, quoted, 0 if c == "\n" else column))
        if c in CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        if not opens and c in '"”':
            quoted = False
        column = 0 if c == "\n" else column + 1
        if c == "\n":
            depth, quoted = 0, False  # a line holds its own brackets and quotes
    frame = pd.DataFrame(rows, columns=list(FEATURES))
    return frame.astype({"in_brackets": int, "in_quotes": int, "line_position": int})


def feature_units(activations: np.ndarray, features: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Units ranked by how closely their activation follows `feature` over the same
    characters: columns unit, r (Pearson correlation; 0 where a unit or the feature
    is constant), sorted by |r|, largest first."""
    f = features[feature].to_numpy(dtype=np.float64)
    a = activations.astype(np.float64)
    fc, ac = f - f.mean(), a - a.mean(axis=0)
    denom = np.sqrt((fc**2).sum() * (ac**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(denom > 0, fc @ ac / np.where(denom > 0, denom, 1.0), 0.0)
    frame = pd.DataFrame({"unit": np.arange(a.shape[1]), "r": r})
    order = np.argsort(-np.abs(r), kind="stable")
    return frame.iloc[order].reset_index(drop=True)
