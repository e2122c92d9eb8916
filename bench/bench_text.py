"""Text speed: the default next-character run (`run_text(TextConfig())`) against a plain
PyTorch char-RNN loop as the tutorial would write it, same text, sizes and epochs.

The reference: the text as ids, non-overlapping windows of seq_length, nn.Embedding +
nn.LSTM + nn.Linear, minibatches of 32 in a shuffled order, optim.Adam, cross-entropy,
a no_grad test loss every epoch, torch's default thread count. The playground does more
per epoch (it scores the whole training text too, in bits per character, and writes a
sample at 6 epochs) and runs on one intra-op thread. We report medians of wall and CPU
seconds over repetitions, and the ratio playground / plain (lower is better).

Run: python bench/bench_text.py [--reps 3]
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
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from playground import TEXT_CORPORA, TextConfig, run_text  # noqa: E402


class CharNet(nn.Module):
    def __init__(self, vocab: int, hidden: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 32)
        self.rnn = nn.LSTM(32, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.embed(x))  # (B, L, H)
        return self.fc(out)  # (B, L, V)


def run_plain(cfg: TextConfig) -> float:
    """The plain loop end to end; returns the last test loss (nats)."""
    text = TEXT_CORPORA[cfg.corpus]
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text])
    cut = int(len(ids) * 0.9)

    def windows(a):
        n = (len(a) - 1) // cfg.seq_length
        x = torch.tensor(a[: n * cfg.seq_length].reshape(n, -1))
        y = torch.tensor(a[1 : n * cfg.seq_length + 1].reshape(n, -1))
        return x, y

    (xtr, ytr), (xte, yte) = windows(ids[:cut]), windows(ids[cut:])
    torch.manual_seed(cfg.seed)
    model = CharNet(len(chars), cfg.hidden_size)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    for _ in range(cfg.epochs):
        model.train()
        for batch in torch.randperm(len(xtr)).split(32):
            loss = F.cross_entropy(model(xtr[batch]).flatten(0, 1), ytr[batch].flatten())
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            test = F.cross_entropy(model(xte).flatten(0, 1), yte.flatten()).item()
    return test


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    cfg = TextConfig()
    print(
        f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
        f"default threads {DEFAULT_THREADS}, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"config: {cfg.model} hidden {cfg.hidden_size} window {cfg.seq_length} "
        f"epochs {cfg.epochs} on {len(TEXT_CORPORA[cfg.corpus])} characters"
    )
    run_text(cfg)  # warm-up
    plays, plains, plains1 = [], [], []
    for _ in range(args.reps):
        plays.append(timed(lambda: run_text(cfg)))
        torch.set_num_threads(DEFAULT_THREADS)
        plains.append(timed(lambda: run_plain(cfg)))
        torch.set_num_threads(1)
        plains1.append(timed(lambda: run_plain(cfg)))
    for name, runs in (("playground", plays), ("plain loop", plains), ("plain, 1 thread", plains1)):
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"{name:>15}: wall {wall:.2f} s, cpu {cpu:.2f} s")
    for name, runs in (("plain", plains), ("plain, 1 thread", plains1)):
        ratio = statistics.median(r[0] for r in plays) / statistics.median(r[0] for r in runs)
        print(f"ratio playground / {name} (wall): {ratio:.2f}")


if __name__ == "__main__":
    main()
