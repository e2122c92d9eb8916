"""Text training at the plain loop's cost: `run_text(TextConfig())` against a plain
PyTorch loop of the same size that scores each epoch the same way, in one process,
alternating, on one intra-op thread (issue 41.4: the ratio should be at most 1.1).

The plain loop is what a reader would write from the Text view's description: the
default text as ids (sorted characters), the first 90 % trains; nn.Embedding(V, 32) +
nn.LSTM(32, 64) + nn.Linear(64, V), weights drawn from one seeded generator in the same
order as the playground; non-overlapping windows of 32, minibatches of 32 in a seeded
random order, Adam(lr 0.01), cross-entropy, gradients clipped to norm 1; before training
and after every epoch, the bits per character of the whole train and test text (full
windows as one batch, the tail as another, each from a zero state). Same data, same steps,
and the same final score to the last digit (checked: the script stops if not).

What the playground does on top: six samples written during training, the last good
weights kept (a diverging run keeps them), the baselines and the result frames.

Run: python bench/bench_text_train.py [--reps 7]    (prints the median CPU ratio)
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import TEXT_CORPORA, TextConfig, run_text  # noqa: E402


class CharNet(nn.Module):
    def __init__(self, vocab: int, hidden: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 32)
        self.rnn = nn.LSTM(32, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.embed(x))  # (B, L, H)
        return self.head(out)  # (B, L, V)


def run_plain(cfg: TextConfig) -> float:
    """The plain loop end to end; returns the last test bits per character."""
    text = TEXT_CORPORA[cfg.corpus]
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = np.array([index[c] for c in text], dtype=np.int64)
    cut = int(round(len(ids) * 0.9))
    train, test = ids[:cut], ids[cut:]
    L = cfg.seq_length

    def windows(a: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        n = (len(a) - 1) // L
        return (
            torch.from_numpy(a[: n * L].reshape(n, L).copy()),
            torch.from_numpy(a[1 : n * L + 1].reshape(n, L).copy()),
        )

    def bits(a: np.ndarray) -> float:
        x, y = windows(a)
        done = len(x) * L
        parts = [
            (x, y),
            (
                torch.from_numpy(a[done:-1].copy())[None],
                torch.from_numpy(a[done + 1 :].copy())[None],
            ),
        ]
        total, count = 0.0, 0
        with torch.inference_mode():
            for xs, ys in parts:
                total += F.cross_entropy(
                    net(xs).flatten(0, 1), ys.flatten(), reduction="sum"
                ).item()
                count += ys.numel()
        return total / count / math.log(2.0)

    gen = torch.Generator().manual_seed(cfg.seed)
    with torch.device("meta"):
        net = CharNet(len(chars), cfg.hidden_size)
    net = net.to_empty(device="cpu")
    bound = 1.0 / math.sqrt(cfg.hidden_size)
    with torch.no_grad():
        net.embed.weight.normal_(0.0, 1.0, generator=gen)
        for p in [*net.rnn.parameters(), *net.head.parameters()]:
            p.uniform_(-bound, bound, generator=gen)
    x, y = windows(train)
    order_gen = torch.Generator().manual_seed(cfg.seed)
    opt = torch.optim.Adam(net.parameters(), lr=cfg.learning_rate)
    net.eval()
    scores = [(bits(train), bits(test))]
    for _ in range(cfg.epochs):
        net.train()
        for batch in torch.randperm(len(x), generator=order_gen).split(32):
            loss = F.cross_entropy(net(x[batch]).flatten(0, 1), y[batch].flatten())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
        net.eval()
        scores.append((bits(train), bits(test)))
    return scores[-1][1]


def playground_run(cfg: TextConfig) -> float:
    result = run_text(cfg)
    return float(result.losses.loss.iloc[-1])


def cpu(fn) -> tuple[float, float]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    cfg = TextConfig()
    torch.set_num_threads(1)  # run_text sets it too (per thread): the same thread here
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch {torch.__version__}, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"config: {cfg.model} hidden {cfg.hidden_size} window {cfg.seq_length} "
        f"epochs {cfg.epochs} on {len(TEXT_CORPORA[cfg.corpus])} characters"
    )
    a, b = playground_run(cfg), run_plain(cfg)  # warm-up, and the same final score
    if a != b:
        sys.exit(f"the final test bits differ: playground {a!r}, plain {b!r}")
    print(f"final test bits, both: {a!r}")
    plays, plains = [], []
    for _ in range(args.reps):
        plays.append(cpu(lambda: playground_run(cfg))[0])
        plains.append(cpu(lambda: run_plain(cfg))[0])
    ratios = [p / q for p, q in zip(plays, plains)]
    print(f"playground: cpu {statistics.median(plays):.3f} s (runs {[round(t, 2) for t in plays]})")
    print(
        f"plain loop: cpu {statistics.median(plains):.3f} s (runs {[round(t, 2) for t in plains]})"
    )
    print(f"ratio playground / plain (cpu, median of pairs): {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
