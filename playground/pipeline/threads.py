"""One intra-op thread for torch work, set in whichever thread does the work.

torch's thread count is per OS thread: `torch.set_num_threads(1)` in the main thread
leaves a worker thread (a Streamlit session, a pool) on OpenMP's default of every core,
although `torch.get_num_threads()` there still answers 1. Sums split over two threads
round differently, so the same config gave other weights in a worker thread than in the
main thread or the exported script. `single_threaded` sets the count on entry to each
piece of work (training, prediction, tracing a network): the same bits in any thread or
process, and one core per training on a shared server. The call costs ~0.2 µs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import torch

THREADS = int(os.environ.get("PLAYGROUND_TORCH_THREADS", "1"))  # intra-op threads per work

P = ParamSpec("P")
R = TypeVar("R")


def use_work_threads() -> None:
    """Put the calling thread on THREADS intra-op threads (idempotent, cheap)."""
    torch.set_num_threads(THREADS)


def single_threaded(fn: Callable[P, R]) -> Callable[P, R]:
    """`fn`, run with the calling thread set to THREADS intra-op threads."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        use_work_threads()
        return fn(*args, **kwargs)

    return wrapper
