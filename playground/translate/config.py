"""TranslateConfig: every setting of one translation run, each declared once with
`setting()` (default, bounds, step or choices), from which widgets, URL parsing and
clamping (`params.parse_value`, `params.coerce`) and the exported script are made. In the
URL and as widget keys each field carries the prefix `translate_`. The learner's own
pairs (task "own") never go into the config or the URL: they are passed beside it
(`run_translate(cfg, pairs=...)`).
"""

from __future__ import annotations

from dataclasses import dataclass
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

# Cost: seconds of one core per pair and target character of an epoch, fitted on this
# machine (bench/bench_translate.py), per cell, at hidden size 64 with attention; a
# bigger hidden size costs more in proportion to its square past 64 (rounded up).
CHAR_SECONDS: dict[str, float] = {"rnn": 5e-5, "lstm": 7e-5, "gru": 7e-5}
MAX_TRANSLATE_SECONDS = 15.0


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

    def seconds(self, target_chars: int) -> float:
        """About how long this config trains on one core, when its training pairs' targets
        hold `target_chars` characters in all."""
        scale = max(1.0, (self.hidden_size / 64) ** 2)
        return self.epochs * target_chars * CHAR_SECONDS[self.model] * scale


TRANSLATE_PARAMS: tuple[Param, ...] = settings_of(TranslateConfig)  # in field order
TRANSLATE_PARAM_BY_NAME: dict[str, Param] = {p.name: p for p in TRANSLATE_PARAMS}
