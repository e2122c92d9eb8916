"""The Text view's computations over a text run: whether the network beats each
baseline (from the numbers shown), the passage a unit is coloured over, and the units
that most follow a feature of the text."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from playground.charts.text import BASELINES, next_char_chart, text_loss_chart
from playground.params import MODELS
from playground.text.charlm import TextResult, generate, next_char_probs
from playground.text.charnet import split_ids
from playground.text.ids import text_of
from playground.text.probe import FEATURES, feature_units, text_features, unit_activations
from playground.text.codegen import text_script
from playground.text.config import TextConfig
from playground.text.presets import TEXT_PRESETS

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


@dataclass(frozen=True)
class SizeVerdict:
    """A run the budget cut beside the default size trained in the same budget, as shown."""

    bits: float  # the run's test bits per character
    default_bits: float  # the default size's
    default_wins: bool  # default_bits < bits


def test_bits(r: TextResult) -> float:
    """The run's test bits per character, from its metrics."""
    return float(r.metrics.set_index(["model", "split"]).loss[r.cfg.model, "test"])


def size_verdict(run: TextResult, beside: TextResult) -> SizeVerdict:
    """The two runs' test bits, from their metrics."""
    bits, default_bits = test_bits(run), test_bits(beside)
    return SizeVerdict(bits, default_bits, default_bits < bits)


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


# ---- What the page shows of a run --------------------------------------------------------
PROMPTS = {"en": "the cat ", "zh": "小猫", "own": ""}  # a start that suits each corpus
SAMPLE_CHARS = 200  # characters written after the start
TEMPERATURES = tuple(round(0.1 * i, 1) for i in range(16))  # 0.0 .. 1.5
TEMPERATURE = 0.5  # the temperature a visit starts at


def write(result: TextResult, prompt: str, temperature: float) -> str:
    """SAMPLE_CHARS characters written after `prompt` (seeded by the run's seed)."""
    return generate(result, prompt, SAMPLE_CHARS, temperature, result.cfg.seed)


def odds_chart(result: TextResult, prompt: str, lang: str):
    """The next character's ten likeliest values after `prompt`."""
    return next_char_chart(next_char_probs(result, prompt), lang)


def loss_chart(result: TextResult, lang: str):
    """Bits per character per epoch against the baselines."""
    return text_loss_chart(result.losses, result.metrics, result.cfg.model, lang)


def cells_configs(cfg: TextConfig) -> list[TextConfig]:
    """The three cells at these settings over COMPARE_SEEDS, each within the budget."""
    cfgs = [replace(cfg, model=m, seed=s) for m in MODELS for s in COMPARE_SEEDS]
    return [c.within_budget()[0] for c in cfgs]


def cells_of(results: list[TextResult]) -> pd.DataFrame:
    """The comparison's frame from its runs (`cells_configs`)."""
    return cells_frame({(r.cfg.model, r.cfg.seed): test_bits(r) for r in results})


def first_visits() -> list[TextConfig]:
    """The settings a room opens the Text view at: the default, then each preset's."""
    return [
        c.within_budget()[0] for c in [TextConfig(), *(p.config for p in TEXT_PRESETS.values())]
    ]
