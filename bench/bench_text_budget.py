"""What the text budget should cut first, text or epochs (issue 41 item 2), measured.

At a fixed cost (the char-epochs the budget allows a large setting: LSTM 128 x 2,
window 128, by `TextConfig.epoch_seconds`), train for e epochs over as much text as that
cost allows (the first chars of the text, capped at all of it), and score every trained
network on one held-out text: the last 10 % of the whole text, which none of them trained
on. Few epochs over much text against many epochs over little. Also the default size
(LSTM 64 x 1, window 32) at the same cost, as the page shows it beside a cut run.

Texts: the built-in corpora, and with --text PATH a real text nobody here wrote (its
first 200,000 characters, read as the page reads a learner's text). Nothing is
downloaded: give a text already on the machine (the measurement in bench/RESULTS.md used
the Debian licence texts of /usr/share/common-licenses, concatenated; never commit one).

Run: nice python bench/bench_text_budget.py [--text PATH] [--seeds 0 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from playground import TEXT_CORPORA, TextConfig, run_text  # noqa: E402
from playground.text import read_text  # noqa: E402
from playground.text.charnet import bits_of, split_ids  # noqa: E402
from playground.text.config import FIXED_SECONDS, MAX_TEXT_SECONDS  # noqa: E402

LARGE = TextConfig(model="lstm", hidden_size=128, num_layers=2, seq_length=128)
DEFAULT = TextConfig()


def held_out_bits(result, text: str) -> float:
    """The trained network's bits per character on the last 10 % of `text`."""
    _, test = split_ids(np.arange(len(text)))
    held = text[int(test[0]) :]
    ids = result.fitted.ids(held)
    return bits_of(result.fitted.net, ids, result.cfg.seq_length)


def run_at(cfg: TextConfig, text: str, epochs: int, char_epochs: float) -> dict:
    """`cfg` for `epochs` over the first char_epochs / epochs characters of `text`'s
    training part (at most all of it)."""
    train_part = text[: int(round(len(text) * 0.9))]
    chars = min(len(train_part), int(char_epochs / epochs))
    run = replace(cfg, corpus="own", text=train_part[:chars], epochs=epochs)
    start = time.process_time()
    result = run_text(run)
    cpu = time.process_time() - start
    return {
        "chars": chars,
        "epochs": epochs,
        "cost_s": run.seconds(),
        "cpu_s": cpu,
        "held_out": held_out_bits(result, text),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text", help="a real text on this machine (never committed)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--only", nargs="*", help="texts to run: en zh real")
    parser.add_argument("--epochs", type=int, nargs="*", help="the large size's grid instead")
    parser.add_argument("--sizes", nargs="*", default=["large", "default"])
    args = parser.parse_args()
    texts = dict(TEXT_CORPORA)
    if args.text:
        with open(args.text, "rb") as f:
            texts["real"] = read_text(f.read())[0]
    if args.only:
        texts = {k: v for k, v in texts.items() if k in args.only}
    print("text, size, chars trained, epochs, cost model s, cpu s, held-out bits (per seed)")
    for name, text in texts.items():
        for label, cfg in (("large", LARGE), ("default", DEFAULT)):
            if label not in args.sizes:
                continue
            # The char-epochs the budget allows this size (the cost model per character).
            per_char = cfg.epoch_seconds(100_000) / 100_000
            budget = (MAX_TEXT_SECONDS - FIXED_SECONDS) / per_char
            full = int(round(len(text) * 0.9))
            most = max(1, int(budget // full))  # epochs over all of the training text
            grid = sorted({e for e in (1, 2, 3, 4, 6, 8, 12, 24) if e >= most} | {most})[:4]
            if args.epochs and label == "large":
                grid = args.epochs
            for e in grid:
                rows = [run_at(replace(cfg, seed=s), text, e, budget) for s in args.seeds]
                bits = [r["held_out"] for r in rows]
                print(
                    f"{name}, {label}, {rows[0]['chars']}, {e}, {rows[0]['cost_s']:.1f}, "
                    f"{np.mean([r['cpu_s'] for r in rows]):.1f}, "
                    f"{np.mean(bits):.3f} ({', '.join(f'{b:.3f}' for b in bits)})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
