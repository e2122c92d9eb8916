"""TranslateConfig: every setting of one translation run, each declared once with
`setting()` (default, bounds, step or choices), from which widgets, URL parsing and
clamping (`params.parse_value`, `params.coerce`) and the exported script are made. In the
URL and as widget keys each field carries the prefix `translate_`. The learner's own
pairs (task "own") never go into the config or the URL: they are passed beside it
(`run_translate(cfg, pairs=...)`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from playground.i18n import Note
from playground.params import (
    LEARNING_RATES,
    MODELS,
    Param,
    Settings,
    setting,
    settings_of,
)
from playground.translate.tasks import TASKS as GENERATED

TASKS: tuple[str, ...] = (*GENERATED, "own")  # generated tasks, or the learner's pairs
ATTENTIONS: tuple[str, ...] = ("additive", "none")  # Bahdanau's additive attention, or none
HELD_OUT = 0.2  # share of the pairs held out (never trained on)

# Cost: seconds of one core per training pair and epoch, everything of a run included
# (held-out loss, replay, final scoring): TARGET_SECONDS per target character (EOS
# counted) plus SOURCE_SECONDS per source character, with the GRU at hidden size 64.
# Fitted to bench/bench_translate.py's runs (dates 10.5 s, English numbers to Chinese
# 18.1 s, reverse 25.7 s with attention; reverse without 11.5 s, one run, so its split
# between source and target is assumed). RNN and LSTM were not measured: taken as the
# GRU. A hidden size past 64 costs in proportion to its square. A run may cost
# MAX_TRANSLATE_SECONDS; `within_budget` lowers epochs (not below MIN_TRANSLATE_EPOCHS),
# then pairs.
TARGET_SECONDS: dict[str, float] = {"additive": 4e-5, "none": 1.8e-5}
SOURCE_SECONDS: dict[str, float] = {"additive": 3.4e-5, "none": 1.5e-5}
MAX_TRANSLATE_SECONDS = 40.0
MIN_TRANSLATE_EPOCHS = 3


@dataclass(frozen=True)
class TranslateConfig(Settings):
    """Every setting of one translation run. Defaults: dates to ISO with a GRU and
    additive attention, ≥ 95 % exact on held-out dates in about 10 s of one core."""

    URL_PREFIX = "translate_"  # URL key and widget key of field f: "translate_" + f

    # fmt: off
    task: str = setting("dates", choices=TASKS)  # a generated task, or "own" (pairs given)
    model: str = setting("gru", choices=MODELS)  # encoder and decoder cell
    attention: str = setting("additive", choices=ATTENTIONS)  # "additive" | "none"
    hidden_size: int = setting(64, 16, 128, 16)  # units of the encoder (each way) and decoder
    epochs: int = setting(6, 1, 40, 1)  # passes over the training pairs
    learning_rate: float = setting(0.01, 0.0001, 0.1, steps=LEARNING_RATES)  # Adam lr
    pairs: int = setting(2500, 500, 20000, 500)  # pairs generated (or own pairs kept)
    seed: int = setting(0, 0, 9999, 1)  # seeds the pairs, the split, weights, batch order
    # fmt: on

    @property
    def attends(self) -> bool:
        """Whether the decoder uses attention."""
        return self.attention != "none"

    @classmethod
    def from_query_params(cls, query: Mapping[str, Any]) -> tuple["TranslateConfig", list[Note]]:
        """The config a link holds (`params.Settings`). A link cannot carry pairs, so
        task "own" reads as the default task, with a note."""
        values, notes = cls.parse_query(query)
        if values.get("task") == "own":
            values["task"] = TRANSLATE_PARAM_BY_NAME["task"].default
            notes.append(Note("translate.note.own_not_in_link"))
        return cls(**values), notes

    def seconds(self, target_chars: float, source_chars: float) -> float:
        """About how long this config runs on one core, when its pairs' targets hold
        `target_chars` characters on average (with the EOS; dates: 11) and their sources
        `source_chars` (dates: about 13)."""
        scale = max(1.0, (self.hidden_size / 64) ** 2)
        per_pair = (
            TARGET_SECONDS[self.attention] * target_chars
            + SOURCE_SECONDS[self.attention] * source_chars
        )
        return self.epochs * self.pairs * (1 - HELD_OUT) * per_pair * scale

    def within_budget(
        self, target_chars: float, source_chars: float
    ) -> tuple["TranslateConfig", list[Note]]:
        """This config within MAX_TRANSLATE_SECONDS for pairs of those average lengths
        (see `seconds`): epochs lowered (not below MIN_TRANSLATE_EPOCHS), then pairs (by
        their step), a note each (`note.budget`). Applied to its own result it changes
        nothing."""
        cfg, notes = self, []
        cost = lambda c: c.seconds(target_chars, source_chars)  # noqa: E731
        if cost(cfg) <= MAX_TRANSLATE_SECONDS:
            return cfg, notes
        epochs = max(MIN_TRANSLATE_EPOCHS, int(MAX_TRANSLATE_SECONDS // (cost(cfg) / cfg.epochs)))
        if epochs < cfg.epochs:
            lowered = {"param": "epochs", "value": cfg.epochs, "lowered": epochs}
            notes.append(Note("note.budget", lowered))
            cfg = replace(cfg, epochs=epochs)
        if cost(cfg) > MAX_TRANSLATE_SECONDS:
            p = TRANSLATE_PARAM_BY_NAME["pairs"]
            share = MAX_TRANSLATE_SECONDS / cost(cfg)
            pairs = max(p.low, int(cfg.pairs * share) // p.step * p.step)
            lowered = {"param": "pairs", "value": cfg.pairs, "lowered": pairs}
            notes.append(Note("note.budget", lowered))
            cfg = replace(cfg, pairs=pairs)
        return cfg, notes


TRANSLATE_PARAMS: tuple[Param, ...] = settings_of(TranslateConfig)  # in field order
TRANSLATE_PARAM_BY_NAME: dict[str, Param] = {p.name: p for p in TRANSLATE_PARAMS}
