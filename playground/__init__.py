"""RNN Playground: train small recurrent networks on sequences and see what they learn.

Public API:
    ExperimentConfig  -- every setting of one experiment (frozen); URL round trip
    run_experiment    -- config in, tidy DataFrames out
"""

import os

import torch

# Small models train fastest on one thread, and a shared server keeps its other
# cores for other sessions. Set once, here, before any training.
torch.set_num_threads(int(os.environ.get("PLAYGROUND_TORCH_THREADS", "1")))

from .config import PARAMS, ExperimentConfig, Param  # noqa: E402
from .experiment import ExperimentResult, run_experiment  # noqa: E402

__all__ = ["PARAMS", "ExperimentConfig", "ExperimentResult", "Param", "run_experiment"]
