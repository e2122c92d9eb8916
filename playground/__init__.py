"""RNN Playground: train small recurrent networks on sequences and see what they learn.

Public API (tests and tools outside the app rely on it):
    ExperimentConfig  -- every setting of one experiment (frozen); URL round trip
    run_experiment    -- config in, tidy DataFrames out
    compare_models    -- several cells (and seeds) on one config's data
    gradient_norms, memory_sweep, MemoryConfig, PRESETS, generate_script
"""

from playground.config import PARAMS, ExperimentConfig, Param
from playground.pipeline.experiment import ExperimentResult, run_experiment
from playground.views.compare import compare_models
from playground.views.gradients import gradient_norms
from playground.views.memory import MemoryConfig, memory_sweep
from playground.workshop.codegen import generate_script
from playground.workshop.presets import PRESETS

__all__ = [
    "PARAMS",
    "PRESETS",
    "ExperimentConfig",
    "ExperimentResult",
    "MemoryConfig",
    "Param",
    "compare_models",
    "generate_script",
    "gradient_norms",
    "memory_sweep",
    "run_experiment",
]
