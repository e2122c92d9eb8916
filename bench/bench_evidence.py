"""Cost of evidence: 3 models x 5 seeds (compare_models) against one single-model run,
at the tutorial config, in one process, alternating; medians and the ratio.

Run: python bench/bench_evidence.py [--reps 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import time

from playground import ExperimentConfig, compare_models, run_experiment


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    cfg = ExperimentConfig()
    run_experiment(cfg)  # warm-up (imports, first kernels)
    single, evidence = [], []
    for _ in range(args.reps):
        single.append(timed(lambda: run_experiment(cfg)))
        evidence.append(timed(lambda: compare_models(cfg, seeds=(0, 1, 2, 3, 4))))
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if "Model name" in ln), "?"
    )
    s, e = statistics.median(single), statistics.median(evidence)
    print(f"machine: {model}, {platform.python_version()}")
    print(f"one run (rnn, tutorial): median {s:.3f} s over {args.reps}")
    print(f"3 models x 5 seeds:      median {e:.3f} s over {args.reps}")
    print(f"ratio: {e / s:.1f}x (target <= 6x)")


if __name__ == "__main__":
    main()
