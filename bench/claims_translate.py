"""How often the Translate view's lessons hold on seeds the tests do not use (100-139 by
default): each claim of tests/test_translate_lessons.py, measured per seed, with the
share of seeds it holds in (it must be at least 90 % before the page states it).

    nice -n 10 .venv/bin/python bench/claims_translate.py dates 100-139 > out.txt
    nice -n 10 .venv/bin/python bench/claims_translate.py reverse 100-139
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from playground.translate.lessons import dates_claims, reverse_claims  # noqa: E402


def seeds_of(text: str) -> list[int]:
    """ "100-139" or "1,2,3" -> the seeds."""
    if "-" in text:
        low, high = (int(p) for p in text.split("-"))
        return list(range(low, high + 1))
    return [int(p) for p in text.split(",")]


def main(which: str, seeds: list[int]) -> None:
    measure = {"dates": dates_claims, "reverse": reverse_claims}[which]
    held: dict[str, int] = {}
    for seed in seeds:
        start = time.process_time()
        numbers, verdicts = measure(seed)
        for name, ok in verdicts.items():
            held[name] = held.get(name, 0) + bool(ok)
        shown = " ".join(f"{k}={v:.4f}" for k, v in numbers.items())
        print(f"seed {seed}: {shown} {verdicts} cpu {time.process_time() - start:.1f}s", flush=True)
    for name, count in held.items():
        print(f"{name}: holds in {count} of {len(seeds)} seeds ({count / len(seeds):.0%})")


if __name__ == "__main__":
    main(sys.argv[1], seeds_of(sys.argv[2] if len(sys.argv) > 2 else "100-139"))
