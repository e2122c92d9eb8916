"""Translation: generated pair tasks (dates, numbers English <-> Chinese, reverse), the
learner's own pairs, and a character encoder-decoder with or without attention."""

from playground.translate.config import TRANSLATE_PARAMS, TranslateConfig
from playground.translate.pairs import PairsRejected, read_pairs
from playground.translate.presets import TRANSLATE_PRESETS
from playground.translate.probe import (
    accuracy_by_length,
    attention_by_length,
    decoder_steps,
    digit_attention,
    length_frame,
    translate,
    unknown_chars,
)
from playground.translate.run import TranslateResult, run_translate

__all__ = [
    "TRANSLATE_PARAMS",
    "TRANSLATE_PRESETS",
    "PairsRejected",
    "TranslateConfig",
    "TranslateResult",
    "accuracy_by_length",
    "attention_by_length",
    "decoder_steps",
    "digit_attention",
    "length_frame",
    "read_pairs",
    "run_translate",
    "translate",
    "unknown_chars",
]
