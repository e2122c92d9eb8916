"""The Text view's reviews task (`task="sentiment"`): the settings a run reads, the
comparison of the cells over the gap and seeds, what the page says of it from the
numbers it shows, and the run's files."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from playground.params import MODELS
from playground.text.config import TextConfig
from playground.text.sentiment import SentimentResult, lang_of
from playground.text.sentiment_codegen import sentiment_script

SWEEP_SEEDS = (0, 1, 2)  # the comparison's seeds: its verdict is counted over these
SHORT_GAP = 2  # the lesson's short gap (every cell classifies well there)
SWEEP_POINTS = 7  # most gaps the comparison trains at (evenly spaced from 0 to the slider's)


def sweep_gaps(gap: int) -> tuple[int, ...]:
    """The gaps the comparison trains at: from 0 to the slider's `gap`, every one when
    there are at most SWEEP_POINTS, else evenly spaced (every second one for the
    longest gap); `gap` itself always."""
    step = math.ceil((gap + 1) / SWEEP_POINTS)
    return tuple(sorted(set(range(0, gap + 1, step)) | {gap}))


def sweep_frame(accuracies: dict[tuple[str, int, int], float]) -> pd.DataFrame:
    """(model, gap, seed) -> test accuracy, as a frame: model, gap, seed, accuracy."""
    rows = [(m, g, s, a) for (m, g, s), a in sorted(accuracies.items())]
    return pd.DataFrame(rows, columns=["model", "gap", "seed", "accuracy"])


@dataclass(frozen=True)
class GapVerdict:
    """The models' test accuracy at one gap of the comparison, as shown."""

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


def sentiment_config(cfg: TextConfig) -> TextConfig:
    """`cfg` with only what the reviews task reads kept (task, language, model, gap,
    seed): the other settings at their defaults, so they do not tell equal runs apart."""
    return TextConfig(
        task="sentiment", corpus=lang_of(cfg), model=cfg.model, gap=cfg.gap, seed=cfg.seed
    )


def sweep_configs(cfg: TextConfig) -> list[TextConfig]:
    """The comparison's runs: each cell at each of `sweep_gaps` and SWEEP_SEEDS."""
    return [
        sentiment_config(replace(cfg, model=m, gap=g, seed=s))
        for g in sweep_gaps(cfg.gap) for m in MODELS for s in SWEEP_SEEDS
    ]  # fmt: skip


def sweep_of(results: list[SentimentResult]) -> pd.DataFrame:
    """The comparison's frame from its runs (`sweep_configs`)."""
    return sweep_frame(
        {(r.cfg.model, r.cfg.gap, r.cfg.seed): float(r.metrics.accuracy.iloc[1]) for r in results}
    )


def sentiment_downloads(result: SentimentResult) -> dict[str, tuple[str, str, Callable[[], bytes]]]:
    """kind -> (file name, MIME type, a function making the file): the losses, metrics
    and word saliency as CSV, the settings as JSON (the URL's parameters) and a PyTorch
    script printing the same numbers."""
    cfg = result.cfg
    name = f"reviews_{cfg.corpus}_{cfg.model}_gap{cfg.gap}_seed{cfg.seed}"

    def csv(frame: pd.DataFrame) -> Callable[[], bytes]:
        return lambda: frame.to_csv(index=False).encode("utf-8")

    def settings() -> bytes:
        shown = ("task", "corpus", "model", "gap", "seed")
        out = {k: v for k, v in cfg.to_query_params().items() if k.removeprefix("text_") in shown}
        return json.dumps(out, indent=2, ensure_ascii=False).encode("utf-8")

    return {
        "losses": (f"{name}_losses.csv", "text/csv", csv(result.losses)),
        "metrics": (f"{name}_metrics.csv", "text/csv", csv(result.metrics)),
        "saliency": (f"{name}_saliency.csv", "text/csv", csv(result.saliency)),
        "config": (f"{name}_config.json", "application/json", settings),
        "script": (f"{name}.py", "text/x-python", lambda: sentiment_script(cfg).encode("utf-8")),
    }
