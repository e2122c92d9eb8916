"""RNN Playground: train small recurrent networks on sequences and see what they learn.

Public API:
    ExperimentConfig  -- every setting of one experiment (frozen); URL round trip
    run_experiment    -- config in, tidy DataFrames out
"""

from playground.config import PARAMS, ExperimentConfig, Param
from playground.pipeline.experiment import ExperimentResult, run_experiment

__all__ = ["PARAMS", "ExperimentConfig", "ExperimentResult", "Param", "run_experiment"]
