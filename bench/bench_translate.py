"""Translate speed: CPU seconds of one run on one intra-op thread, the default
(`run_translate(TranslateConfig())`: dates, GRU, additive attention) and, with --all, the
presets; the budget is 15 s of CPU for the default. Also prints each run's seconds per
pair and epoch with its pairs' mean lengths, which `TranslateConfig.seconds` is fitted to.

Run: nice -n 10 python bench/bench_translate.py [--reps 3] [--all]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import torch  # noqa: E402

from playground import TRANSLATE_PRESETS, TranslateConfig, run_translate  # noqa: E402
from playground.translate.run import data_of  # noqa: E402

BUDGET_S = 15.0


def cpu_of(cfg: TranslateConfig) -> float:
    start = time.process_time()
    run_translate(cfg)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--all", action="store_true", help="the presets too")
    args = parser.parse_args()
    print(
        f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    configs = {"default": TranslateConfig()}
    if args.all:
        configs |= {k: p.config for k, p in TRANSLATE_PRESETS.items()}
        configs["reverse_attention"] = TranslateConfig(task="reverse", epochs=10)
    for name, cfg in configs.items():
        runs = [cpu_of(cfg) for _ in range(args.reps)]
        cpu = statistics.median(runs)
        train = data_of(cfg)[0]
        target = sum(len(b) + 1 for _, b in train) / len(train)  # with the EOS
        source = sum(len(a) for a, _ in train) / len(train)
        per_pair = cpu / (cfg.epochs * len(train))
        verdict = f"  (budget {BUDGET_S:.0f} s: {'ok' if cpu <= BUDGET_S else 'OVER'})"
        print(
            f"{name:>18}: cpu median {cpu:.2f} s of {[round(r, 2) for r in runs]}, "
            f"{per_pair:.2e} s per pair-epoch (target {target:.1f}, source {source:.1f} "
            f"characters), estimate {cfg.seconds(target, source):.1f} s"
            + (verdict if name == "default" else "")
        )


if __name__ == "__main__":
    main()
