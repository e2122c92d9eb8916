"""Training cost: run time against epochs, seq_length and hidden_size (each varied alone
from the defaults), and the slowest configs the bounds allow after the work budget.

The worst-case table covers every model type and num_layers 1..3: for each it runs the
corners of the bounds that the budget treats differently (compute-bound: large hidden
size, long windows, many points; dispatch-bound: hidden size 1, long windows). Each row
shows epochs after the budget (points lowered first where the sizes would leave fewer
than MIN_EPOCHS), the config's work units and the measured wall and CPU seconds of the
whole `run_experiment` (one thread, as on the server). Targets: every worst case under
10 s on one core of this machine, and no corner below MIN_EPOCHS epochs; the
`--corners` table runs the largest sizes at exactly MIN_EPOCHS epochs.

Run: python bench/bench_cost.py [--quick | --corners]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import replace

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import ExperimentConfig, run_experiment  # noqa: E402
from playground.config import MAX_WORK, MIN_EPOCHS, MODELS, PARAM_BY_NAME  # noqa: E402

LIMIT_S = 10.0  # what a worst case may take on one core


def measure(cfg: ExperimentConfig) -> tuple[float, float, float]:
    """(wall s, CPU s, training-loop s) of one run_experiment."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = run_experiment(cfg)
    return time.perf_counter() - wall, time.process_time() - cpu, result.train_seconds


def budgeted(**values: object) -> ExperimentConfig:
    """The config the app would run for these values (bounds, then budget)."""
    cfg, _ = ExperimentConfig.from_values(values)
    return cfg


def print_table(rows: list[dict[str, object]]) -> None:
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = [f"{v:.3g}" if isinstance(v, float) else str(v) for v in row.values()]
        print("| " + " | ".join(cells) + " |", flush=True)
    print()


def row(label: str, cfg: ExperimentConfig) -> dict[str, object]:
    wall, cpu, train_s = measure(cfg)
    return {
        "varied": label,
        "model": cfg.model,
        "layers": cfg.num_layers,
        "hidden": cfg.hidden_size,
        "seq_length": cfg.seq_length,
        "n_points": cfg.n_points,
        "epochs": cfg.epochs,
        "work": cfg.work(),
        "est_s": cfg.seconds(),
        "wall_s": wall,
        "cpu_s": cpu,
        "train_s": train_s,
    }


def sweeps(quick: bool) -> list[dict[str, object]]:
    """Each knob alone, from the tutorial defaults, for every model type."""
    values = {
        "epochs": (10, 100, 300, 1000),
        "seq_length": (2, 10, 25, 50),  # at most half of the default 100 points
        "hidden_size": (1, 32, 64, 128),
    }
    rows = []
    for model in ("rnn",) if quick else MODELS:
        for name, choices in values.items():
            for value in choices:
                cfg = budgeted(model=model, **{name: value})
                rows.append(row(f"{name}={value}", cfg))
    return rows


def worst_cases(quick: bool) -> list[dict[str, object]]:
    """The corners of the bounds, epochs at their maximum and lowered by the budget."""
    high = {name: PARAM_BY_NAME[name].high for name in ("seq_length", "hidden_size", "n_points")}
    epochs = PARAM_BY_NAME["epochs"].high
    corners = {
        "compute": dict(hidden_size=high["hidden_size"], n_points=high["n_points"]),
        "dispatch_many_points": dict(hidden_size=1, n_points=high["n_points"]),
        "dispatch_few_points": dict(hidden_size=1, n_points=2 * high["seq_length"]),
        "middle": dict(hidden_size=32, n_points=high["n_points"]),
    }
    rows = []
    for model in MODELS:
        for layers in (1, 2, 3):
            for label, corner in corners.items():
                if quick and label == "middle":
                    continue
                cfg = budgeted(
                    model=model,
                    num_layers=layers,
                    seq_length=high["seq_length"],
                    epochs=epochs,
                    **corner,
                )
                rows.append(row(label, cfg))
    return rows


def min_epoch_corners() -> list[dict[str, object]]:
    """The largest sizes (hidden, window, points, layers at their bounds; the points
    lowered by the budget), trained for exactly MIN_EPOCHS epochs, per model: the worst
    run a learner can ask for at the fewest epochs the budget may leave."""
    high = {n: PARAM_BY_NAME[n].high for n in ("seq_length", "hidden_size", "n_points")}
    rows = []
    for model in MODELS:
        cfg = budgeted(model=model, num_layers=PARAM_BY_NAME["num_layers"].high, **high)
        rows.append(row("largest", replace(cfg, epochs=MIN_EPOCHS)))
    return rows


def cpu_model() -> str:
    """The CPU's model name as `lscpu` gives it."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    names = [line.split(":", 1)[1].strip() for line in out.splitlines() if "Model name" in line]
    return names[0] if names else "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="rnn sweeps only, fewer corners")
    parser.add_argument("--corners", action="store_true", help="the MIN_EPOCHS corners only")
    args = parser.parse_args()
    print(
        f"# {cpu_model()}, nproc {os.cpu_count()}, MAX_WORK {MAX_WORK:.3g}, "
        f"MIN_EPOCHS {MIN_EPOCHS}, load {os.getloadavg()}"
    )
    run_experiment(replace(ExperimentConfig(), epochs=2))  # warm-up
    print(f"## Largest sizes at {MIN_EPOCHS} epochs (points lowered by the budget)\n")
    corners = min_epoch_corners()
    print_table(corners)
    if args.corners:
        return
    print("## Each knob alone (others at the tutorial defaults)\n")
    print_table(sweeps(args.quick))
    print("## Slowest configs the bounds allow (epochs lowered by the budget)\n")
    worst = worst_cases(args.quick)
    print_table(worst)
    slowest = max(worst, key=lambda r: r["wall_s"])
    verdict = "met" if slowest["wall_s"] <= LIMIT_S else "MISSED"
    print(
        f"slowest: {slowest['model']} layers={slowest['layers']} {slowest['varied']}: "
        f"{slowest['wall_s']:.2f} s wall, {slowest['cpu_s']:.2f} s CPU "
        f"(limit {LIMIT_S} s: {verdict}); load {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
