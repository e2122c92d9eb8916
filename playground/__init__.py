"""RNN Playground: train small recurrent networks on sequences and see what they learn.

Public API (tests and tools outside the app rely on it):
    ExperimentConfig  -- every setting of one experiment (frozen); URL round trip
    run_experiment    -- config in, tidy DataFrames out
    compare_models    -- several cells (and seeds) on one config's data
    gradient_norms, memory_sweep, MemoryConfig, PRESETS, generate_script
    TextConfig, run_text, generate, next_char_probs, TEXT_CORPORA -- text (playground.text)
    TranslateConfig, run_translate, translate, ... -- translation (playground.translate)
"""

from playground.config import PARAMS, ExperimentConfig, Param
from playground.pipeline.experiment import ExperimentResult, run_experiment
from playground.text import (
    TEXT_CORPORA,
    TextConfig,
    TextResult,
    generate,
    next_char_probs,
    run_text,
)
from playground.translate import (
    TRANSLATE_PRESETS,
    PairsRejected,
    TranslateConfig,
    TranslateResult,
    accuracy_by_length,
    attention_by_length,
    decoder_steps,
    digit_attention,
    length_frame,
    read_pairs,
    run_translate,
    translate,
    unknown_chars,
)
from playground.views.compare import compare_models
from playground.views.gradients import gradient_norms
from playground.views.memory import MemoryConfig, memory_sweep
from playground.workshop.codegen import generate_script
from playground.workshop.presets import PRESETS

__all__ = [
    "PARAMS",
    "PRESETS",
    "TEXT_CORPORA",
    "TRANSLATE_PRESETS",
    "ExperimentConfig",
    "ExperimentResult",
    "MemoryConfig",
    "PairsRejected",
    "Param",
    "TextConfig",
    "TextResult",
    "TranslateConfig",
    "TranslateResult",
    "accuracy_by_length",
    "attention_by_length",
    "compare_models",
    "decoder_steps",
    "digit_attention",
    "generate",
    "generate_script",
    "gradient_norms",
    "length_frame",
    "memory_sweep",
    "next_char_probs",
    "read_pairs",
    "run_experiment",
    "run_text",
    "run_translate",
    "translate",
    "unknown_chars",
]
