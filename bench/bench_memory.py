"""Peak memory of one process serving many large settings across every view (AppTest
sessions in this process, so the shared cache is the server's), with the cache's byte
budget. Reports VmHWM (peak RSS) and VmRSS from /proc, and the cache's own estimate.

Each line also gives the seconds since start and the load average (the machine is
shared). `--trim` calls glibc's malloc_trim(0) after each setting (what the allocator
keeps of freed memory: RSS with and without), `--env MALLOC_ARENA_MAX=2`-style variants
are set by the caller.

Run: python bench/bench_memory.py [--settings 12] [--trim]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PLAYGROUND_WARM_UP", "0")

from streamlit.testing.v1 import AppTest  # noqa: E402

from playground.i18n import t  # noqa: E402

VIEWS = ("train", "compare", "forecast", "inside", "gradients")


def status(field: str) -> float:
    """A /proc/self/status field in MB (VmHWM: peak RSS; VmRSS: now)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def large_settings(n: int, seed: int = 0) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [
        {
            "model": rng.choice(["rnn", "lstm", "gru"]),
            "hidden_size": str(rng.choice([64, 96, 128])),
            "seq_length": str(rng.choice([20, 40, 60])),
            "num_layers": str(rng.choice([1, 2, 3])),
            "n_points": str(rng.choice([600, 800, 1000])),
            "seed": str(i),
        }
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--settings", type=int, default=12)
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) after each")
    args = parser.parse_args()
    arenas = os.environ.get("MALLOC_ARENA_MAX", "default")
    print(f"# nproc {os.cpu_count()}, load {os.getloadavg()}, MALLOC_ARENA_MAX {arenas}")
    print(f"start: VmRSS {status('VmRSS'):.0f} MB")
    started = time.monotonic()
    for i, query in enumerate(large_settings(args.settings)):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
        at.query_params.update(query)
        for view in VIEWS:
            at.session_state["view"] = t("en", f"view.{view}.title")
            at.run()
            assert not at.exception, at.exception
        if args.trim:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        print(
            f"{i + 1:3d} settings: VmHWM {status('VmHWM'):.0f} MB, VmRSS {status('VmRSS'):.0f} MB,"
            f" {time.monotonic() - started:.0f} s, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
