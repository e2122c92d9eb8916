"""The lesson seeds come from one place and a claim needs 80 % of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessonkit import DEFAULT_SEEDS, NEEDED, SEEDS, lesson_seeds, needed


def test_default_is_seeds_0_to_9():
    assert DEFAULT_SEEDS == tuple(range(10))
    assert lesson_seeds(None) == lesson_seeds("") == lesson_seeds("  ") == DEFAULT_SEEDS
    assert NEEDED == needed(len(SEEDS))


def test_the_variable_lists_seeds_in_order_without_repeats():
    assert lesson_seeds("3, 5,8") == (3, 5, 8)
    assert lesson_seeds("7,7,2,") == (7, 2)
    for bad in ("a", "1;2", "-1", ","):
        with pytest.raises(ValueError):
            lesson_seeds(bad)


def test_needed_is_80_percent_rounded_up():
    assert [needed(n) for n in (1, 3, 5, 10, 11, 20)] == [1, 3, 4, 8, 9, 16]


@given(st.integers(1, 500))
def test_needed_is_the_least_count_reaching_80_percent(n):
    k = needed(n)
    assert k / n >= 0.8 and (k - 1) / n < 0.8


def test_two_workers_asking_for_one_list_split_it(tmp_path, monkeypatch):
    """Two processes (as two xdist workers) ask for the same seeds at once: each item is
    computed once in all, by either, and both get every value."""
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", f"split-{tmp_path.name}")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    log = tmp_path / "computed.log"
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from lessonkit import each, once_per_session

        @once_per_session
        def slow(seed):
            with open({str(log)!r}, "a") as f:
                f.write(f"{{os.getpid()}} {{seed}}\\n")
            time.sleep(0.3)
            return seed * seed

        print(each(slow, list(range(8))) == {{s: s * s for s in range(8)}})
    """)
    workers = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [w.communicate(timeout=60)[0].strip() for w in workers]
    assert outs == ["True", "True"]
    rows = [line.split() for line in log.read_text().splitlines()]
    assert sorted(int(seed) for _, seed in rows) == list(range(8))  # each once in all
    assert len({pid for pid, _ in rows}) == 2  # and both workers computed some
