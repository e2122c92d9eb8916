"""Every claim the page states about networks, measured over seeds the lesson tests do
not use (100-139 by default), at the page's settings, with the lesson tests' own
measuring functions (tests/test_lessons.py, test_saliency.py, test_text_sentiment.py:
each returns {what is measured: one flag a seed}). Prints a markdown table, one row per
measured claim: its locale keys, what is measured, how often it held, and the margin
over 90 % (a claim ships only at 90 % or more of these seeds; the tests ask 80 % of theirs).

Slow: tens of minutes of one core (the largest parts, 40 seeds: the Long memory task
~6 min, what challenge.rnn_forgets.low_bias used to say ~3 min, the sentiment sweep ~3
min). Run it in parts and with fewer seeds for a quick check:

    nice -n 10 .venv/bin/python bench/claims.py > claims.md           # everything, 100-139
    .venv/bin/python bench/claims.py --claims preset.tutorial_rnn.notice --seeds 100-104
    .venv/bin/python bench/claims.py --list                           # the keys

Trainings are kept between runs in the lesson kit's file cache (tests/lessonkit.py,
the folder $TMPDIR/rnn-playground-tests-<--cache>), so a part run again, or the whole
table after its parts, trains nothing twice; `--cache ""` trains afresh in the process.

A row marked "(said: ...)" is a claim that states its rate ("in about 1 of 3 seeds"), one
marked "(no longer said)" what a rewritten claim used to say: both are reported, not
judged against 90 %. A row marked "(all seeds)" is one statement about all the seeds at
once (1/1 or 0/1); "(no seed)" does not depend on the seed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import test_lessons as lessons  # noqa: E402
import test_saliency as saliency  # noqa: E402
import test_text_sentiment as sentiment  # noqa: E402

SHIP = 0.9  # a claim ships when it holds in at least this share of the seeds
Flags = dict[str, list[bool]]


@dataclass(frozen=True)
class Claim:
    """Locale keys and the lesson tests' function that measures them over seeds."""

    keys: tuple[str, ...]
    measure: Callable[[Sequence[int]], Flags]


def noise_flags(seeds: Sequence[int]) -> Flags:
    return lessons.too_much_noise_flags(seeds)[0]


GRADIENTS = ("view.gradients.explain", "preset.vanishing_gradients.notice")
MEMORY = ("view.memory.explain", "preset.long_memory.notice")

# Cheapest first: a part run early gives its rows early.
CLAIMS: tuple[Claim, ...] = (
    Claim(
        ("memory.bias", "param.keep_gate_bias.help", "challenge.rnn_forgets.low_bias"),
        lessons.keep_gate_flags,
    ),
    Claim(("preset.real_data.notice",), lessons.real_data_flags),
    Claim(("preset.tutorial_rnn.notice",), lessons.tutorial_flags),
    Claim(("view.inside.explain",), lessons.loop_flags),
    Claim(("replay.caption",), lessons.replay_flags),
    Claim(("view.compare.explain", "preset.rnn_vs_lstm.notice"), lessons.short_window_flags),
    Claim(("view.data.explain",), lessons.signals_flags),
    Claim(("preset.too_much_noise.notice",), noise_flags),
    Claim(("preset.overfitting.notice",), lessons.overfitting_flags),
    Claim(("view.forecast.explain",), lessons.sine_forecast_flags),
    Claim(("view.forecast.explain",), lessons.jumps_forecast_flags),
    Claim(("view.gradients.explain",), lessons.short_window_reach_flags),
    Claim(GRADIENTS, lessons.default_init_flags),
    Claim(GRADIENTS, partial(lessons.open_gate_flags, "init")),
    Claim(GRADIENTS, partial(lessons.open_gate_flags, "trained")),
    Claim(("view.gradients.explain", "gradients.try"), lessons.explodes_flags),
    Claim(("gradients.try",), lessons.adam_clipping_flags),
    Claim(("gradients.try", "updates.largest"), lessons.sgd_clipping_flags),
    Claim(("preset.vanishing_gradients.notice",), lessons.long_window_flags),
    Claim(("saliency.lesson",), partial(saliency.first_input_flags, "first_test")),
    Claim(("saliency.lesson",), partial(saliency.first_input_flags, "first")),
    Claim(("saliency.lesson",), partial(saliency.first_input_flags, "last")),
    Claim(("challenge.small_model.passed",), partial(lessons.challenge_flags, "small_model")),
    Claim(("challenge.quick_learner.passed",), partial(lessons.challenge_flags, "quick_learner")),
    Claim(("challenge.overfit.passed",), partial(lessons.challenge_flags, "overfit")),
    Claim(MEMORY, lessons.memory_flags),
    Claim(("memory.saliency.lesson",), saliency.cue_init_flags),
    Claim(("memory.saliency.lesson",), saliency.cue_trained_flags),
    # what challenge.rnn_forgets.low_bias said before (a training result, not the gate)
    Claim(("challenge.rnn_forgets.low_bias.before",), lessons.low_bias_flags),
    Claim(("text.sweep.verdict", "text.sweep.behind"), sentiment.gap_flags),
)


def parse_seeds(text: str) -> tuple[int, ...]:
    """ "100-139" or "100,101,105" (or a mix) as a tuple of seeds."""
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        seeds.extend(range(int(low), int(high or low) + 1))
    return tuple(dict.fromkeys(seeds))


def row(keys: Sequence[str], what: str, flags: list[bool]) -> str:
    held, n = sum(bool(f) for f in flags), len(flags)
    rate = held / n
    margin = f"{100 * (rate - SHIP):+.1f} pts" if n > 1 else "–"
    # a rate the page says ("said: about 1 of 3") or a measurement no longer said is
    # reported, not judged against 90 %
    told = "said:" in what or "no longer said" in what
    verdict = "" if rate >= SHIP or told else " **under 90 %**"
    return f"| {', '.join(keys)} | {what} | {held}/{n} ({rate:.0%}){verdict} | {margin} |"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="100-139", help="e.g. 100-139 or 100,101")
    parser.add_argument("--claims", default="", help="comma-separated locale keys (any row)")
    parser.add_argument("--list", action="store_true", help="print the keys and stop")
    parser.add_argument("--cache", default="bench-claims", help='file cache name ("": none)')
    args = parser.parse_args(argv)
    if args.cache:  # lessonkit's cross-process cache, keyed by this variable
        os.environ["PYTEST_XDIST_TESTRUNUID"] = args.cache
    if args.list:
        print("\n".join(sorted({k for c in CLAIMS for k in c.keys})))
        return
    seeds = parse_seeds(args.seeds)
    wanted = {k.strip() for k in args.claims.split(",") if k.strip()}
    unknown = wanted - {k for c in CLAIMS for k in c.keys}
    if unknown:
        parser.error(f"unknown claim keys: {sorted(unknown)} (see --list)")
    chosen = [c for c in CLAIMS if not wanted or wanted & set(c.keys)]
    print(f"Seeds {seeds[0]}-{seeds[-1]} ({len(seeds)}); ships at >= {SHIP:.0%}.\n")
    print("| key | measured | held | margin over 90 % |")
    print("|---|---|---|---|")
    for claim in chosen:
        start = time.process_time()
        for what, flags in claim.measure(seeds).items():
            print(row(claim.keys, what, flags), flush=True)
        name = getattr(claim.measure, "__name__", None) or claim.measure.func.__name__
        print(f"{name}: {time.process_time() - start:.0f} s CPU", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
