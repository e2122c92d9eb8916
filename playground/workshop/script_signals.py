"""The signal part of the exported script: per signal key, the source of a
`make_signal(n_points, noise, rng)` that draws exactly what `playground.pipeline.signals`
draws (same formulas, same order of random draws; a test checks bit for bit). Real series
embed their values, so the script stays self-contained."""

from __future__ import annotations

import numpy as np

from playground.pipeline.signals import DATASETS_DIR, REAL_SERIES, load_dataset

# Per signal key: the source of a `make_signal(n_points, noise, rng)` function that
# draws exactly what `playground.pipeline.signals` draws for that key (same formulas, same order
# of random draws). Real series embed their values, so the script stays self-contained.
SIGNAL_SOURCES: dict[str, str] = {
    "sine": '''def make_signal(n_points, noise, rng):
    """The tutorial's signal: sin(t) over 0..4π plus Gaussian noise of std `noise`."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    y = np.sin(t) + rng.normal(0.0, noise, n_points)  # (n_points,)
    return t, y
''',
    "square": '''def make_signal(n_points, noise, rng):
    """A ±1 square wave with the sine's period, plus Gaussian noise of std `noise`."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    y = np.where(np.sin(t) >= 0.0, 1.0, -1.0) + rng.normal(0.0, noise, n_points)
    return t, y
''',
    "sawtooth": '''def make_signal(n_points, noise, rng):
    """A ramp from -1 to 1 every 2π, then a drop; plus Gaussian noise of std `noise`."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    ramp = 2.0 * np.mod(t / (2.0 * np.pi), 1.0) - 1.0
    return t, ramp + rng.normal(0.0, noise, n_points)
''',
    "sum_of_sines": '''def make_signal(n_points, noise, rng):
    """sin(t) + 0.5·sin(3t + 1): a wave and a faster harmonic, plus noise."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    clean = np.sin(t) + 0.5 * np.sin(3.0 * t + 1.0)
    return t, clean + rng.normal(0.0, noise, n_points)
''',
    "damped_sine": '''def make_signal(n_points, noise, rng):
    """exp(-t/6)·sin(2t): an oscillation that fades, plus noise."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    return t, np.exp(-t / 6.0) * np.sin(2.0 * t) + rng.normal(0.0, noise, n_points)
''',
    "trend_season": '''def make_signal(n_points, noise, rng):
    """0.15·t + 0.5·sin(3t): a rising trend with a season, plus noise."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    return t, 0.15 * t + 0.5 * np.sin(3.0 * t) + rng.normal(0.0, noise, n_points)
''',
    "random_walk": '''def make_signal(n_points, noise, rng):
    """Cumulative N(0, 0.1²) steps plus observation noise of std `noise`."""
    t = np.linspace(0.0, 4.0 * np.pi, n_points)  # (n_points,)
    walk = np.cumsum(rng.normal(0.0, 0.1, n_points))
    return t, walk + rng.normal(0.0, noise, n_points)
''',
}

REAL_TEMPLATE = '''def make_signal(n_points, noise, rng):
    """The real series {name!r}: its most recent `n_points` values. `noise` and `rng`
    are not used: a real series carries its own irregularity."""
{about}
    t = {t}
    y = {y}
    keep = min(n_points, len(y))  # the most recent points
    return t[-keep:], y[-keep:]
'''


def array_literal(values: np.ndarray, indent: str = "    ") -> str:
    """`np.array([...])` source holding `values` exactly (repr of each float)."""
    lines, line = [], ""
    for item in (repr(float(v)) for v in values):
        if line and len(line) + len(item) > 80:
            lines.append(line.rstrip())
            line = ""
        line += item + ", "
    lines.append(line.rstrip())
    body = "\n".join(indent * 2 + ln for ln in lines)
    return f"np.array([\n{body}\n{indent}])"


def real_series_source(name: str) -> str:
    """A make_signal embedding the shipped series `name`, with its CSV's provenance."""
    text = (DATASETS_DIR / f"{name}.csv").read_text(encoding="utf-8")
    about = "\n".join(f"    # {ln[1:].strip()}" for ln in text.splitlines() if ln.startswith("#"))
    t, y = load_dataset(name)
    return REAL_TEMPLATE.format(name=name, about=about, t=array_literal(t), y=array_literal(y))


SIGNAL_SOURCES |= {name: real_series_source(name) for name in sorted(REAL_SERIES)}
