"""What recording the replay costs: `run_experiment` with and without snapshots.

Snapshots reuse the forward pass training already makes over all windows each epoch (a
reference to its output at about 60 epochs), then turn them into a frame once. Target:
at most 10 % of the training time. Both variants run in this process, alternating, on the
tutorial config and larger ones, timed as CPU time of this thread (run_experiment trains
in the calling thread, on one intra-op thread) and as wall time. We report medians, the
ratio of the medians, the median of the pairwise ratios (each rep's two runs are
neighbours in time, so they share the machine's load) and the ratio of the lower
quartiles (the least-disturbed runs); with / without, 1.00 = free. On a shared 2-core
machine the same run's CPU time swings by 2x, more than the cost measured, so the
bench also times every piece of extra work on its own, many times ("direct cost"):
choosing the epochs, the loop's bookkeeping (a set lookup per epoch, a detached
reference and a dict entry per snapshot) and building the frame; and what the player
page built from the snapshots costs (built once per result and language, then cached).

Run: python bench/bench_snapshots.py [--reps N (all configs)] [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from playground import ExperimentConfig, run_experiment  # noqa: E402
from playground.charts.replay import replay_html  # noqa: E402
from playground.pipeline.experiment import (  # noqa: E402
    fit,
    predict,
    snapshot_epochs,
    snapshots_frame,
)

# The tutorial, and two of the largest runs the page allows (epochs as the budget lowers
# them): many windows and a wide net; many windows and cheap epochs (the most epochs, so
# the most per-epoch bookkeeping relative to the arithmetic).
CONFIGS = {
    "tutorial (rnn 32, 100 pts, 100 ep)": ExperimentConfig(),
    "large (gru 32, 1000 pts, win 20, 132 ep)": ExperimentConfig(
        model="gru", hidden_size=32, n_points=1000, seq_length=20, epochs=1000
    ).within_budget(),
    "cheap epochs (rnn 4, 1000 pts, 1000 ep)": ExperimentConfig(
        hidden_size=4, n_points=1000, epochs=1000
    ).within_budget(),
}


def cpu_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


REPS = (60, 9, 9)  # per config: the tutorial is cheap, so it gets more


def timed(cfg: ExperimentConfig, snapshots: bool) -> tuple[float, float]:
    """(CPU seconds of this thread, wall seconds) of one run."""
    cpu, wall = time.thread_time(), time.perf_counter()
    run_experiment(cfg, snapshots=snapshots)
    return time.thread_time() - cpu, time.perf_counter() - wall


def quartile(values: list[float]) -> float:
    return statistics.quantiles(values, n=4)[0]


def direct_costs(cfg: ExperimentConfig, n: int = 50) -> tuple[float, float, float]:
    """Seconds per run of each piece of extra work: the schedule, the training loop's
    bookkeeping (as `train` does it, on an output of the loop's shape) and the frame."""
    fitted = fit(cfg, snapshot_at=snapshot_epochs(cfg.epochs))
    final = predict(fitted, fitted.X)
    out = torch.zeros(len(fitted.X), requires_grad=True) * 1.0  # an autograd output

    def per_run(work) -> float:
        started = time.perf_counter()
        for _ in range(n):
            work()
        return (time.perf_counter() - started) / n

    def loop() -> None:
        wanted, snapshots = frozenset(snapshot_epochs(cfg.epochs)), {}
        for epoch in range(1, cfg.epochs + 1):
            if epoch - 1 in wanted:
                snapshots[epoch - 1] = out.detach()

    schedule = per_run(lambda: snapshot_epochs(cfg.epochs))
    return schedule, per_run(loop) - schedule, per_run(lambda: snapshots_frame(fitted, final))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="the tutorial config only")
    args = parser.parse_args()
    print(f"CPU: {cpu_name()}; nproc {os.cpu_count()}; load {os.getloadavg()[0]:.2f}")
    print("alternating (order flipped every rep); ms per run_experiment; ratios with/without")
    header = (
        "| config | reps | clock | without ms (median) | with ms (median) | ratio of medians"
        " | median pairwise ratio | ratio of lower quartiles |"
    )
    rows, pages, direct_rows = [header, "|---|---|---|---|---|---|---|---|"], [], []
    configs = list(CONFIGS.items())[:1] if args.quick else CONFIGS.items()
    for (name, cfg), reps in zip(configs, REPS, strict=False):
        reps = args.reps or reps
        timed(cfg, True), timed(cfg, False)  # warm up (imports, allocator)
        runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for rep in range(reps):
            for snapshots in (False, True) if rep % 2 == 0 else (True, False):
                runs[snapshots].append(timed(cfg, snapshots))
        for clock, i in (("cpu", 0), ("wall", 1)):
            with_ = [r[i] for r in runs[True]]
            without = [r[i] for r in runs[False]]
            ratio = statistics.median(with_) / statistics.median(without)
            pairwise = statistics.median(w / o for w, o in zip(with_, without, strict=True))
            rows.append(
                f"| {name} | {reps} | {clock} | {statistics.median(without) * 1e3:.0f} | "
                f"{statistics.median(with_) * 1e3:.0f} | {ratio:.3f} | {pairwise:.3f} | "
                f"{quartile(with_) / quartile(without):.3f} |"
            )
            print(rows[-1], flush=True)
        without = [r[0] for r in runs[False]]
        schedule, loop, frame = direct_costs(cfg)
        total = schedule + loop + frame
        direct_rows.append(  # against the lower quartile: the cost at its largest share
            f"| {name} | {schedule * 1e3:.3f} | {loop * 1e3:.3f} | {frame * 1e3:.2f} | "
            f"{total / quartile(without) * 100:.2f} % |"
        )
        result = run_experiment(cfg)
        builds = []
        for _ in range(5):
            started = time.perf_counter()
            html = replay_html(result, "en")
            builds.append(time.perf_counter() - started)
        frames = result.snapshots.epoch.nunique()
        pages.append(
            f"| {name} | {frames} | {len(result.snapshots)} | "
            f"{statistics.median(builds) * 1e3:.1f} | {len(html.encode()) / 1024:.0f} |"
        )
    print()
    print("\n".join(rows))
    print()
    print(
        "| config | schedule ms | loop bookkeeping ms | frame ms"
        " | all, of a run without (lower quartile, cpu) |"
    )
    print("|---|---|---|---|---|")
    print("\n".join(direct_rows))
    print()
    print("| config | snapshots | snapshot rows | player HTML build ms | player HTML KiB |")
    print("|---|---|---|---|---|")
    print("\n".join(pages))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
