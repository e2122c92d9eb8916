"""What a process's memory costs and how it is kept down: the cache's byte estimate of a
value (`approx_bytes`) and the collector's frozen heap (`freeze_heap`); glibc's mmap
threshold is an environment variable (`MALLOC_MMAP_THRESHOLD_`, deploy/serve.sh).
Measurements: bench/RESULTS.md, sessions 4 and 5."""

from __future__ import annotations

import gc
from typing import Any


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
