"""TextConfig: every setting of one text experiment, and its parameter table.

The table `TEXT_PARAMS` uses the series' `Param` rows (type, default, bounds, step or
values, help), so URL values are parsed, clamped and snapped by the same functions as
the series' (`params.parse_value`, `params.coerce`), each change reported as an
`i18n.Note`. In the URL and as widget keys every field carries the prefix `text_`
(`text_model=lstm`), so the Text view's settings never collide with the sidebar's.
The learner's own text (`text`, used when corpus is "own") never goes into the URL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from playground.i18n import Note
from playground.text.charnet import BATCH_SIZE, EMBED_SIZE
from playground.text.corpora import TEXT_CORPORA
from playground.params import (
    LEARNING_RATES,
    MODELS,
    Param,
    Settings,
    invalid_settings,
    setting,
    settings_of,
    weight_blocks,
)

URL_PREFIX = "text_"  # URL key and widget key of field f: "text_" + f
TASKS: tuple[str, ...] = ("next_char", "sentiment")
CORPORA: tuple[str, ...] = ("en", "zh", "own")  # built-in texts, or the learner's own

# Cost: seconds of one core per epoch (fitted on this machine under load, rounded up;
# bench/bench_text.py). Per character of the text (train + test: an epoch trains on one
# and scores both): CHAR_SECONDS per layer (op dispatch) plus MAC_SECONDS per multiply-
# accumulate of the gate matrices; per batch of BATCH_SIZE windows, BATCH_SECONDS per
# layer (optimizer, loss, autograd). A run may cost MAX_TEXT_SECONDS; the budget lowers the
# epochs first, down to MIN_TEXT_EPOCHS, and cuts a learner's text only where that many
# epochs of all of it would not fit. Measured at equal cost (bench/bench_text_budget.py,
# RESULTS.md): on a real English text, bits on held-out text were lower with fewer epochs
# over more text (default size: 4 epochs over 176k characters 2.24, 6 over 117k 2.42; the
# largest size: 1 over 153k 4.13, 3 over 51k 4.16); on the generated corpora (never cut)
# more epochs over less text did as well or better, but they repeat their grammar.
MAC_SECONDS: dict[str, float] = {"rnn": 2.5e-10, "lstm": 2.5e-10, "gru": 4.5e-10}
CHAR_SECONDS: dict[str, float] = {"rnn": 4e-6, "lstm": 4e-6, "gru": 1.4e-5}
BATCH_SECONDS = 4e-3
FIXED_SECONDS = 0.3  # scoring the untrained network, samples, baselines
MAX_TEXT_SECONDS = 10.0
MIN_TEXT_EPOCHS = 1  # (was 3: the text was cut to keep three epochs)


@dataclass(frozen=True)
class TextConfig(Settings):
    """Every setting of one text experiment. Defaults: an LSTM reading the English
    corpus; a default run trains in a few seconds on one core."""

    URL_PREFIX = URL_PREFIX

    # fmt: off
    task: str = setting("next_char", choices=TASKS)  # "next_char" | "sentiment"
    corpus: str = setting("en", choices=CORPORA)  # "en" | "zh" (built in) | "own" (`text`)
    model: str = setting(  # "rnn" | "lstm" | "gru" (LSTM: on CPU ~twice as fast as GRU)
        "lstm", choices=MODELS)
    hidden_size: int = setting(64, 8, 128, 8)  # units in each recurrent layer
    seq_length: int = setting(32, 8, 128, 8)  # characters per training window
    epochs: int = setting(8, 1, 60, 1)  # passes over the training text (BATCH_SIZE windows)
    learning_rate: float = setting(0.01, 0.0001, 0.1, steps=LEARNING_RATES)  # Adam lr
    num_layers: int = setting(1, 1, 2, 1)  # stacked recurrent layers
    seed: int = setting(0, 0, 9999, 1)  # seeds weights, batch order and samples in training
    gap: int = setting(4, 0, 12, 1)  # sentiment: words between the negation and the end
    # fmt: on
    text: str = ""  # the learner's text (corpus "own"); never in the URL

    def __post_init__(self) -> None:
        problems = invalid_settings(self)
        if self.corpus == "own" and not self.text:
            problems.append("corpus='own' needs a text")
        if problems:
            raise ValueError("invalid TextConfig: " + "; ".join(problems))

    @classmethod
    def from_query_params(cls, query: Mapping[str, Any]) -> tuple["TextConfig", list[Note]]:
        """The config a link holds (`params.Settings`; the `text` never travels in a
        link). A link cannot carry a text, so corpus "own" reads as the default corpus,
        with a note."""
        values, notes = cls.parse_query(query)
        if values.get("corpus") == "own":
            values["corpus"] = TEXT_PARAM_BY_NAME["corpus"].default
            notes.append(Note("text.note.own_not_in_link"))
        return cls(**values), notes

    def with_text(self, text: str) -> "TextConfig":
        """This config reading the learner's `text` (already checked by `read_text`)."""
        return replace(self, corpus="own", text=text)

    def key(self) -> tuple:
        """A hashable identity for caches: the text stands as its SHA-256."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "text":
                value = hashlib.sha256(value.encode("utf-8")).hexdigest() if value else ""
            out.append((f.name, value))
        return tuple(out)

    # ---- cost ----------------------------------------------------------------------
    def source(self) -> str:
        """The text this config reads: a built-in corpus or the learner's own."""
        return self.text if self.corpus == "own" else TEXT_CORPORA[self.corpus]

    def epoch_seconds(self, n_chars: int | None = None) -> float:
        """About how long one epoch over `n_chars` characters (default: the whole
        source) takes on one core."""
        n = len(self.source()) if n_chars is None else n_chars
        h, layers = self.hidden_size, self.num_layers
        macs = sum(
            weight_blocks(self.model) * h * ((EMBED_SIZE if i == 0 else h) + h + 2)
            for i in range(layers)
        )
        per_char = CHAR_SECONDS[self.model] * layers + MAC_SECONDS[self.model] * macs
        batches = n * 0.9 / (BATCH_SIZE * self.seq_length)
        return n * per_char + batches * BATCH_SECONDS * layers

    def seconds(self) -> float:
        """About how long this config trains on one core."""
        return FIXED_SECONDS + self.epochs * self.epoch_seconds()

    def max_epochs(self) -> int:
        """Most epochs that fit MAX_TEXT_SECONDS (at least 1)."""
        return max(1, int((MAX_TEXT_SECONDS - FIXED_SECONDS) // self.epoch_seconds()))

    def within_budget(
        self, locked: frozenset[str] = frozenset()
    ) -> tuple["TextConfig", list[Note]]:
        """This config within MAX_TEXT_SECONDS: the epochs lowered, and a learner's text
        cut only where MIN_TEXT_EPOCHS of all of it would not fit; a note per change.
        When the instructor `locked` the epochs, the layers and then the hidden size
        give way first (those not locked); the epochs yield only when nothing else can.
        Applied to its own result it changes nothing."""
        cfg, notes = self, []
        if cfg.corpus == "own":
            per_char = cfg.epoch_seconds(100_000) / 100_000
            most = int((MAX_TEXT_SECONDS - FIXED_SECONDS) / (MIN_TEXT_EPOCHS * per_char))
            if len(cfg.text) > most:
                notes.append(Note("text.note.budget_chars", {"chars": len(cfg.text), "kept": most}))
                cfg = replace(cfg, text=cfg.text[:most])
        if "epochs" in locked:
            for name in ("num_layers", "hidden_size"):
                p, before = TEXT_PARAM_BY_NAME[name], getattr(cfg, name)
                if name in locked:
                    continue
                while cfg.epochs > cfg.max_epochs() and getattr(cfg, name) > p.low:
                    cfg = replace(cfg, **{name: max(p.low, getattr(cfg, name) - p.step)})
                if getattr(cfg, name) != before:
                    lowered = {"param": name, "value": before, "lowered": getattr(cfg, name)}
                    notes.append(Note("note.budget", lowered))
        if cfg.epochs > cfg.max_epochs():
            notes.append(
                Note(
                    "note.budget",
                    {"param": "epochs", "value": cfg.epochs, "lowered": cfg.max_epochs()},
                )
            )
            cfg = replace(cfg, epochs=cfg.max_epochs())
        return cfg, notes


TEXT_PARAMS: tuple[Param, ...] = settings_of(TextConfig)  # the settings, in field order
TEXT_PARAM_BY_NAME: dict[str, Param] = {p.name: p for p in TEXT_PARAMS}


# ---- what the budget cut, and the default size in the same budget ----------------------
@dataclass(frozen=True)
class BudgetCut:
    """What the budget took from a run: the characters it read of the text asked for,
    its epochs of those asked."""

    chars: int  # characters of the text the run read
    total: int  # characters of the text asked for
    epochs: int  # epochs it trained
    asked: int  # epochs asked for


def budget_cut(asked: TextConfig, ran: TextConfig) -> BudgetCut | None:
    """What `ran` (`asked` within the budget) lost of the text and the epochs, or None."""
    chars, total = len(ran.source()), len(asked.source())
    if chars == total and ran.epochs >= asked.epochs:
        return None
    return BudgetCut(chars, total, ran.epochs, asked.epochs)


DEFAULT_SIZE = ("hidden_size", "num_layers", "seq_length")  # what "the default size" sets


def default_size(asked: TextConfig, locked: frozenset[str] = frozenset()) -> TextConfig | None:
    """`asked` at the default size (hidden size, layers, window), within the same budget:
    the run a cut run is shown beside; None when `asked` is at the default size already."""
    defaults = {name: TEXT_PARAM_BY_NAME[name].default for name in DEFAULT_SIZE}
    if all(getattr(asked, name) == value for name, value in defaults.items()):
        return None
    return replace(asked, **defaults).within_budget(locked - set(DEFAULT_SIZE))[0]
