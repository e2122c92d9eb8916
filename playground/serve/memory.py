"""What a process's memory costs and how it is kept down: the cache's byte estimate of a
value (`approx_bytes`), glibc's mmap threshold (`tune_allocator`) and the collector's
frozen heap (`freeze_heap`). Measurements: bench/RESULTS.md, sessions 4 and 5."""

from __future__ import annotations

import ctypes
import gc
import os
from typing import Any

MMAP_THRESHOLD = 128 * 2**10  # bytes; PLAYGROUND_MMAP_THRESHOLD overrides, 0 leaves glibc's


def tune_allocator(threshold: int | None = None) -> bool:
    """glibc's malloc: serve every allocation of `threshold` bytes or more (default
    MMAP_THRESHOLD) by its own mmap, returned to the system when freed. By default glibc
    raises that threshold (up to 32 MiB) once a large block is freed, so a training's
    tensors then come from the heap, which keeps the pages after the training: the
    process's peak RSS over large settings rises ~200 MB higher (bench/RESULTS.md,
    session 4). The cost is page faults: ~20 % more CPU for the largest LSTM runs, none
    for the tutorial's. Returns whether it was applied (False off glibc)."""
    if threshold is None:
        threshold = int(os.environ.get("PLAYGROUND_MMAP_THRESHOLD", MMAP_THRESHOLD))
    if threshold <= 0:
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(-3, threshold))  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        return False


def freeze_heap() -> None:
    """Collect, then move every object alive now (the imported libraries: torch, pandas,
    Altair, Streamlit, ~400k objects) out of the cyclic collector's reach (`gc.freeze`).
    A full collection then costs ~0 ms instead of ~0.3 s of CPU under the GIL, so the
    collector's own runs are cheap and free the cycles a rerun or a closed session
    leaves sooner (bench/RESULTS.md, session 4). Frozen objects are still freed by
    reference counting. Call once the server has imported what it uses."""
    gc.collect()
    gc.freeze()


def approx_bytes(value: Any, seen: set[int] | None = None, depth: int = 0) -> int:
    """About how many bytes `value` keeps alive: arrays, tensors, networks, frames, bytes
    and strings, through the dicts, sequences and dataclasses that hold them (each object
    counted once). An estimate for a byte budget, not an exact measure."""
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 8:
        return 0
    seen.add(id(value))
    import numpy as np  # local: the cache itself needs none of these
    import pandas as pd
    import pyarrow as pa
    import torch

    if isinstance(value, (bytes, bytearray, str)):
        return len(value) + 48
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, torch.Tensor):
        return value.numel() * value.element_size() + 112
    if isinstance(value, torch.nn.Module):
        return sum(approx_bytes(t, seen) for t in (*value.parameters(), *value.buffers()))
    if isinstance(value, (pa.Table, pa.RecordBatch)):
        return value.nbytes + 64
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return int(value.memory_usage(deep=True).sum()) if len(value) else 64
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    elif hasattr(value, "__dict__") or hasattr(value, "__dataclass_fields__"):
        items = list(getattr(value, "__dict__", {}).values())
    else:
        return 32
    return 64 + sum(approx_bytes(item, seen, depth + 1) for item in items)
