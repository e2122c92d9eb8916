"""The Text view's computations over a text run: whether the network beats each
baseline (from the numbers shown), the passage a unit is coloured over, and the units
that most follow a feature of the text."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from playground.text.codegen import text_script
from playground.text.config import TextConfig
from playground.text.presets import TEXT_PRESETS
from playground.text.sentiment import lang_of, run_sentiment
from playground.text.charlm import (
    FEATURES,
    TextResult,
    feature_units,
    run_text,
    split_ids,
    text_features,
    text_of,
    unit_activations,
)
from playground.charts.text import BASELINES

PASSAGE_CHARS = 600  # characters of the test text a unit is coloured over
PROBE_CHARS = 3000  # characters of the test text the units are ranked on
SUGGESTED = 3  # units suggested per feature
FOLLOWS_R = 0.2  # |r| from which a unit is said to follow a feature


@dataclass(frozen=True)
class Verdict:
    """The network's test bits against one baseline's, as shown on the page."""

    baseline: str  # "unigram" | "bigram"
    bits: float  # the network's test bits per character
    base: float  # the baseline's
    beats: bool  # bits < base


def verdicts(metrics: pd.DataFrame, model: str) -> list[Verdict]:
    """One Verdict per baseline, from the test rows of `metrics`."""
    test = metrics[metrics.split == "test"].set_index("model").loss
    net = float(test[model])
    return [Verdict(b, net, float(test[b]), net < float(test[b])) for b in BASELINES]


def test_text(result: TextResult) -> str:
    """The test part of the run's text, as the network reads it (its vocabulary)."""
    ids = result.fitted.ids(text_of(result.cfg))
    _, test = split_ids(ids)
    return "".join(result.fitted.vocab[i] for i in test)


def passage(result: TextResult, chars: int = PASSAGE_CHARS) -> str:
    """About `chars` characters of the test text, from its first line start."""
    text = test_text(result)
    start = text.find("\n") + 1 if "\n" in text[: chars // 2] else 0
    return text[start : start + chars]


@dataclass(frozen=True)
class Units:
    """What the units do over a passage of test text."""

    passage: str  # the characters shown
    activations: np.ndarray  # (len(passage), H)
    ranked: dict[str, pd.DataFrame]  # feature -> unit, r (over PROBE_CHARS of test text)

    def suggested(self, feature: str) -> list[tuple[int, float]]:
        """Up to SUGGESTED (unit, r) following `feature` with |r| >= FOLLOWS_R."""
        top = self.ranked[feature].head(SUGGESTED)
        return [(int(u), float(r)) for u, r in zip(top.unit, top.r) if abs(r) >= FOLLOWS_R]


def probe_units(result: TextResult) -> Units:
    """The activations over the passage, and the units ranked per feature."""
    shown = passage(result)
    probe = test_text(result)[:PROBE_CHARS]
    acts = unit_activations(result, probe)
    features = text_features(probe)
    ranked = {}
    for f in FEATURES:
        if features[f].nunique() > 1:
            ranked[f] = feature_units(acts, features, f)
    return Units(shown, unit_activations(result, shown), ranked)


# ---- The sentiment task ------------------------------------------------------------------
SWEEP_SEEDS = (0, 1, 2)  # the comparison's seeds: its verdict is counted over these


SHORT_GAP = 2  # the comparison's short gap


def sweep_gaps(gap: int) -> tuple[int, ...]:
    """The gaps the comparison trains at: a short one and the slider's `gap`."""
    return tuple(sorted({min(SHORT_GAP, gap), gap}))


def sweep_frame(accuracies: dict[tuple[str, int, int], float]) -> pd.DataFrame:
    """(model, gap, seed) -> test accuracy, as a frame: model, gap, seed, accuracy."""
    rows = [(m, g, s, a) for (m, g, s), a in sorted(accuracies.items())]
    return pd.DataFrame(rows, columns=["model", "gap", "seed", "accuracy"])


@dataclass(frozen=True)
class GapVerdict:
    """The models' test accuracy at the comparison's longest gap, as shown."""

    gap: int
    mean: dict[str, float]  # model -> mean accuracy over seeds
    low: dict[str, float]  # model -> lowest over seeds
    high: dict[str, float]  # model -> highest over seeds
    behind: float  # points the RNN stands below the better gated cell's mean (can be < 0)


def gap_verdict(sweep: pd.DataFrame, gap: int | None = None) -> GapVerdict:
    """What the comparison shows at `gap` (default: its longest)."""
    gap = int(sweep.gap.max()) if gap is None else gap
    at = sweep[sweep.gap == gap].groupby("model").accuracy
    mean, low, high = at.mean().to_dict(), at.min().to_dict(), at.max().to_dict()
    gated = max(mean.get("lstm", 0.0), mean.get("gru", 0.0))
    return GapVerdict(gap, mean, low, high, 100.0 * (gated - mean.get("rnn", 0.0)))


# ---- RNN, LSTM and GRU on the same text ---------------------------------------------------
COMPARE_SEEDS = (0, 1, 2)


def cells_frame(test_bits: dict[tuple[str, int], float]) -> pd.DataFrame:
    """(model, seed) -> test bits per character, as a frame: model, seed, loss."""
    rows = [(m, s, b) for (m, s), b in sorted(test_bits.items())]
    return pd.DataFrame(rows, columns=["model", "seed", "loss"])


@dataclass(frozen=True)
class CellsVerdict:
    """The cells' test bits over seeds, as shown: the lowest mean, and whether its
    range stands apart from every other cell's."""

    best: str
    mean: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]
    apart: bool  # the best cell's worst seed beats every other cell's best seed


def cells_verdict(frame: pd.DataFrame) -> CellsVerdict:
    by = frame.groupby("model").loss
    mean, low, high = by.mean().to_dict(), by.min().to_dict(), by.max().to_dict()
    best = min(mean, key=mean.get)
    apart = all(high[best] < low[m] for m in mean if m != best)
    return CellsVerdict(best, mean, low, high, apart)


# ---- Downloads ---------------------------------------------------------------------------
def text_downloads(result: TextResult) -> dict[str, tuple[str, str, Callable[[], bytes]]]:
    """kind -> (file name, MIME type, a function making the file): the losses, metrics
    and snapshots as CSV, the settings as JSON (the URL's parameters, and the text's
    SHA-256 when it is the learner's own), and a PyTorch script printing the same losses."""
    cfg = result.cfg
    name = f"text_{cfg.corpus}_{cfg.model}_seed{cfg.seed}"

    def csv(frame: pd.DataFrame) -> Callable[[], bytes]:
        return lambda: frame.to_csv(index=False).encode("utf-8")

    def settings() -> bytes:
        out: dict[str, str] = cfg.to_query_params()
        if cfg.corpus == "own":
            out["text_sha256"] = dict(cfg.key())["text"]
        return json.dumps(out, indent=2, ensure_ascii=False).encode("utf-8")

    return {
        "losses": (f"{name}_losses.csv", "text/csv", csv(result.losses)),
        "metrics": (f"{name}_metrics.csv", "text/csv", csv(result.metrics)),
        "snapshots": (f"{name}_snapshots.csv", "text/csv", csv(result.snapshots)),
        "config": (f"{name}_config.json", "application/json", settings),
        "script": (f"{name}.py", "text/x-python", lambda: text_script(cfg).encode("utf-8")),
    }


# ---- Cache keys and the warm-up ----------------------------------------------------------
def run_key(cfg: TextConfig) -> tuple:
    """The cache key of the next-character run of `cfg` (the page and the warm-up)."""
    return ("text", cfg.key())


def sentiment_config(cfg: TextConfig) -> TextConfig:
    """`cfg` with only what the reviews task reads kept (task, language, model, gap,
    seed): the other settings at their defaults, so they do not tell equal runs apart."""
    return TextConfig(
        task="sentiment", corpus=lang_of(cfg), model=cfg.model, gap=cfg.gap, seed=cfg.seed
    )


def sentiment_key(cfg: TextConfig) -> tuple:
    """The cache key of the reviews run of `cfg`."""
    return ("text_sentiment", sentiment_config(cfg).key())


def warm_text_jobs() -> Iterator[tuple[tuple, Callable[[], object]]]:
    """The Text view's trainings a room's first visit asks for: the default settings,
    then each preset's (serve/warm.py runs them after the series' links, under the keys
    the page reads)."""
    for cfg in [TextConfig(), *(p.config for p in TEXT_PRESETS.values())]:
        cfg = cfg.within_budget()[0]
        if cfg.task == "sentiment":
            yield sentiment_key(cfg), lambda c=cfg: run_sentiment(sentiment_config(c))
        else:
            yield run_key(cfg), lambda c=cfg: run_text(c)
