"""Training speed: the tutorial's naive loop against `run_experiment`, same config.

The reference is the tutorial as a learner would write it: full batch, nn.RNN / nn.LSTM /
nn.GRU + nn.Linear, `optim.Adam` with its defaults, nn.MSELoss, a no_grad test pass every
epoch (the playground records test loss per epoch too), `.item()` per loss, and torch's
default thread count. Both run in this process, alternating, several repetitions; we report
medians and the ratio playground / naive per model type (lower is better).

Threads: the playground sets one intra-op thread in the thread of each training. We read the
machine default before any training and set it around every naive run, then restore 1.

Run: python bench/bench_training.py [--reps 7] [--epochs 100]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import torch

DEFAULT_THREADS = torch.get_num_threads()  # before playground sets 1

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import numpy as np  # noqa: E402
from torch import nn  # noqa: E402

from playground import ExperimentConfig, run_experiment  # noqa: E402

PLAYGROUND_THREADS = torch.get_num_threads()
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class TutorialNet(nn.Module):
    """The tutorial's model: recurrent layer, last hidden state, linear head."""

    def __init__(self, cell: type[nn.RNNBase], hidden_size: int, num_layers: int) -> None:
        super().__init__()
        self.rnn = cell(1, hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (B, L, H)
        return self.fc(out[:, -1, :])  # (B, 1)


def run_naive(cfg: ExperimentConfig) -> dict[str, float]:
    """The tutorial end to end (data, model, loop, prediction); seconds per phase."""
    started = time.perf_counter()
    rng = np.random.default_rng(cfg.seed)
    t = np.linspace(0, 4 * np.pi, cfg.n_points)
    y = np.sin(t) + rng.normal(0, cfg.noise, cfg.n_points)
    lo, hi = y.min(), y.max()
    ys = (y - (hi + lo) / 2) / ((hi - lo) / 2)
    xs, ts = [], []
    for i in range(len(ys) - cfg.seq_length):
        xs.append(ys[i : i + cfg.seq_length])
        ts.append(ys[i + cfg.seq_length])
    X = torch.tensor(np.array(xs), dtype=torch.float32).unsqueeze(-1)  # (N, L, 1)
    Y = torch.tensor(np.array(ts), dtype=torch.float32).unsqueeze(-1)  # (N, 1)
    n_train = int(len(X) * cfg.train_fraction)
    x_train, y_train, x_test, y_test = X[:n_train], Y[:n_train], X[n_train:], Y[n_train:]
    torch.manual_seed(cfg.seed)
    model = TutorialNet(CELLS[cfg.model], cfg.hidden_size, cfg.num_layers)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    train_losses, test_losses = [], []
    loop_started = time.perf_counter()
    for _ in range(cfg.epochs):
        model.train()
        output = model(x_train)
        loss = criterion(output, y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            test_loss = criterion(model(x_test), y_test)
        train_losses.append(loss.item())
        test_losses.append(test_loss.item())
    loop_seconds = time.perf_counter() - loop_started
    with torch.no_grad():
        predictions = model(X).numpy()  # (N, 1)
    del predictions
    return {"train": loop_seconds, "total": time.perf_counter() - started}


def run_playground(cfg: ExperimentConfig) -> dict[str, float]:
    started = time.perf_counter()
    result = run_experiment(cfg)
    return {"train": result.train_seconds, "total": time.perf_counter() - started}


def timed_naive(cfg: ExperimentConfig, threads: int = DEFAULT_THREADS) -> dict[str, float]:
    """run_naive with `threads` (default: the machine's), then back to the playground's."""
    torch.set_num_threads(threads)
    try:
        cpu = time.process_time()
        out = run_naive(cfg)
        out["cpu"] = time.process_time() - cpu
        return out
    finally:
        torch.set_num_threads(PLAYGROUND_THREADS)


def timed_playground(cfg: ExperimentConfig) -> dict[str, float]:
    cpu = time.process_time()
    out = run_playground(cfg)
    out["cpu"] = time.process_time() - cpu
    return out


def timed_naive_1t(cfg: ExperimentConfig) -> dict[str, float]:
    """The naive loop on one thread: separates the loop's gains from the thread count."""
    return timed_naive(cfg, threads=1)


def check_determinism(cfg: ExperimentConfig) -> bool:
    a, b = run_experiment(cfg), run_experiment(cfg)
    return a.losses.equals(b.losses) and a.predictions.equals(b.predictions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--models", default="rnn,lstm,gru")
    args = parser.parse_args()
    print(
        f"# torch {torch.__version__}, python {platform.python_version()}, "
        f"nproc {os.cpu_count()}, default threads {DEFAULT_THREADS}, "
        f"playground threads {PLAYGROUND_THREADS}, reps {args.reps}"
    )
    print(f"# load average before: {os.getloadavg()}")
    header = (
        "model",
        "naive_train_ms",
        "pg_train_ms",
        "train_ratio",
        "naive_total_ms",
        "pg_total_ms",
        "total_ratio",
        "naive_cpu_ms",
        "pg_cpu_ms",
        "naive_1thread_train_ms",
        "train_ratio_vs_1thread",
        "deterministic",
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for model in args.models.split(","):
        cfg = ExperimentConfig(model=model, epochs=args.epochs)
        timed_naive(cfg), timed_playground(cfg)  # warm-up: lazy kernels, allocator
        arms: dict = {timed_naive: [], timed_playground: [], timed_naive_1t: []}
        order = list(arms)
        for rep in range(args.reps):  # alternate, rotating who goes first
            for fn in order[rep % 3 :] + order[: rep % 3]:
                arms[fn].append(fn(cfg))
        naive, pg, naive_1t = arms[timed_naive], arms[timed_playground], arms[timed_naive_1t]

        def med(rows: list[dict[str, float]], key: str) -> float:
            return statistics.median(r[key] for r in rows) * 1000

        row = (
            model,
            med(naive, "train"),
            med(pg, "train"),
            med(pg, "train") / med(naive, "train"),
            med(naive, "total"),
            med(pg, "total"),
            med(pg, "total") / med(naive, "total"),
            med(naive, "cpu"),
            med(pg, "cpu"),
            med(naive_1t, "train"),
            med(pg, "train") / med(naive_1t, "train"),
            check_determinism(cfg),
        )
        print(
            "| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row) + " |",
            flush=True,
        )
    print(f"# load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
