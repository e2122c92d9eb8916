"""Cost of evidence: 3 models x 5 seeds (compare_models) against one single-model run,
at the tutorial config, in one process, alternating; medians and the ratio. CPU time
(this process) beside wall time: the machine is shared, and CPU time is the cost.

--page adds the wait on the Compare tab (3 models x PAGE_SEEDS seeds, new seeds each
time so nothing is cached), one run after another against all started at once
(`PageContext.runs`, as the page does: one per core), alternating: wall time, the
learner's wait.

Run: python bench/bench_evidence.py [--reps 3] [--page]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from playground import ExperimentConfig, compare_models, run_experiment  # noqa: E402
from playground.views.compare import PAGE_SEEDS, compare_configs, seeds_after  # noqa: E402


def timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of fn()."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


class Place:
    def progress(self, fraction: float, text: str) -> None:
        pass

    def empty(self) -> None:
        pass


_fresh = iter(range(1000, 10_000, PAGE_SEEDS))  # seeds no earlier call trained


def page_compare(at_once: bool) -> None:
    """The Compare tab's runs (not cached yet), as the page asks for them."""
    from app.context import PageContext
    from playground.config import MODELS
    from playground.pipeline.experiment import SIGNAL
    from playground.workshop.instructor import InstructorOptions

    cfg = ExperimentConfig(seed=next(_fresh))
    ctx = PageContext("en", InstructorOptions(), cfg, SIGNAL, progress_slot=Place())
    seeds = seeds_after(cfg.seed, PAGE_SEEDS)
    runs = ctx.runs(compare_configs(cfg, MODELS, seeds)) if at_once else None
    compare_models(cfg, MODELS, seeds, run=ctx.run if runs is None else runs.__getitem__)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--page", action="store_true")
    args = parser.parse_args()
    cfg = ExperimentConfig()
    run_experiment(cfg)  # warm-up (imports, first kernels)
    jobs = {
        "one run (rnn, tutorial)": lambda: run_experiment(cfg),
        "3 models x 5 seeds": lambda: compare_models(cfg, seeds=(0, 1, 2, 3, 4)),
    }
    if args.page:
        jobs["Compare tab, one thread"] = lambda: page_compare(False)
        jobs["Compare tab, at once"] = lambda: page_compare(True)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
    for _ in range(args.reps):
        for name, job in jobs.items():
            times[name].append(timed(job))
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if "Model name" in ln), "?"
    )
    print(f"machine: {model}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    med = {
        name: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for name, v in times.items()
    }
    for name, (wall, cpu_s) in med.items():
        print(f"{name:26s} wall {wall:6.3f} s  CPU {cpu_s:6.3f} s  (median of {args.reps})")
    one, ev = med["one run (rnn, tutorial)"], med["3 models x 5 seeds"]
    print(
        f"evidence / one run: CPU {ev[1] / one[1]:.1f}x, wall {ev[0] / one[0]:.1f}x (target <= 6x)"
    )
    if args.page:
        a, b = med["Compare tab, one thread"][0], med["Compare tab, at once"][0]
        print(f"Compare tab wait, all runs at once / one after another: {b / a:.2f}")


if __name__ == "__main__":
    main()
