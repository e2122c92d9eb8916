"""Page speed: full-script run time of the default page under AppTest.

cold   = the first run in a fresh process (trains the default config);
cached = later runs in the same process (Streamlit's caches answer), both the same
         session rerunning and a new session (a new AppTest) opening the page.
Then a breakdown of a cached run: what building each chart and the styled table costs
outside Streamlit (Altair spec to dict with validation, Styler to Arrow), to show where
the time goes. Target: cached <= 0.15 s.

`--profile N`: instead, where a "same change" rerun spends its time: the page runs under
cProfile (inside its script thread, its CPU time), N reruns that move hidden_size between two cached
values (each a change of settings whose run is already trained, as for the 59 sessions
of a room that did not train it); prints the most expensive functions by own and
cumulative time.

Run: python bench/bench_page.py [--reps 7] [--profile 20]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import statistics
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
os.environ.setdefault("PLAYGROUND_WARM_UP", "0")  # no background trainings in the timings

from streamlit.testing.v1 import AppTest  # noqa: E402

from playground import ExperimentConfig, run_experiment  # noqa: E402
from playground.charts import loss_chart, metrics_chart, predictions_chart  # noqa: E402

APP = os.path.join(ROOT, "streamlit_app.py")
TARGET_S = 0.15


def timed_run(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    assert not at.exception, [e.message for e in at.exception]
    return seconds


def median_ms(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def breakdown(reps: int) -> dict[str, float]:
    """Milliseconds per page part, outside Streamlit, for the default config."""
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes as to_arrow

    result = run_experiment(ExperimentConfig())
    fmt = {"mse": "{:.5f}", "mae": "{:.5f}", "rmse": "{:.5f}"}
    parts = {
        "predictions_chart build+to_dict": lambda: predictions_chart(result.predictions).to_dict(),
        "loss_chart build+to_dict": lambda: loss_chart(result.losses).to_dict(),
        "metrics_chart build+to_dict": lambda: metrics_chart(result.metrics).to_dict(),
        "predictions_chart to_dict(validate=False)": lambda: predictions_chart(
            result.predictions
        ).to_dict(validate=False),
        "styled metrics to Arrow": lambda: to_arrow(result.metrics.style.format(fmt)),
        "plain metrics to Arrow": lambda: to_arrow(result.metrics),
        "ExperimentConfig.from_values(defaults)": lambda: ExperimentConfig.from_values({}),
    }
    return {name: median_ms(fn, reps) for name, fn in parts.items()}


PROFILED_PAGE = """
import cProfile, runpy, sys
profile = sys.modules["__bench_profile__"]
profile.enable()
try:
    runpy.run_path({app!r}, run_name="__main__")
finally:
    profile.disable()
"""


def profile_same_change(app: str, reps: int) -> None:
    """cProfile of `reps` cached reruns after a change of hidden_size (see --profile)."""
    profile = cProfile.Profile()
    sys.modules["__bench_profile__"] = profile  # the page wrapper finds it here
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(PROFILED_PAGE.format(app=os.path.abspath(app)))
    at = AppTest.from_file(f.name, default_timeout=120)
    timed_run(at)
    for value in (48, 32, 48, 32):  # train both, then profile only cached changes
        at.slider(key="hidden_size").set_value(value).run()
    profile.disable()
    # CPU time of the script thread: on a shared machine wall time counts other work
    profile = sys.modules["__bench_profile__"] = cProfile.Profile(time.thread_time)
    times = []
    for i in range(reps):
        started = time.perf_counter()
        at.slider(key="hidden_size").set_value(48 if i % 2 else 32).run()
        times.append(time.perf_counter() - started)
        assert not at.exception, [e.message for e in at.exception]
    print(f"same-change rerun under AppTest+cProfile: median {statistics.median(times):.3f} s")
    stats = pstats.Stats(profile)
    for order in ("tottime", "cumulative"):
        print(f"\n## by {order}, per rerun (ms)\n")
        rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2 if order == "tottime" else 3])
        for (file, line, name), (_, calls, tt, ct, _) in rows[:40]:
            where = file.split("site-packages/")[-1].replace(ROOT, "").lstrip("/.")
            print(
                f"{tt / reps * 1000:7.2f} own {ct / reps * 1000:7.2f} cum "
                f"{calls / reps:6.0f} calls  {where}:{line} {name}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--app", default=APP, help="page script (to compare a variant)")
    parser.add_argument("--profile", type=int, default=0, help="profile N same-change reruns")
    args = parser.parse_args()
    if args.profile:
        print(f"# nproc {os.cpu_count()}, load {os.getloadavg()}")
        profile_same_change(args.app, args.profile)
        print(f"\n# load after {os.getloadavg()}")
        return
    print(f"# nproc {os.cpu_count()}, load {os.getloadavg()}")
    print(f"# app {args.app}")
    at = AppTest.from_file(args.app, default_timeout=120)
    cold = timed_run(at)
    rerun = [timed_run(at) for _ in range(args.reps)]
    fresh = [timed_run(AppTest.from_file(args.app, default_timeout=120)) for _ in range(args.reps)]
    print(f"cold (first training): {cold:.3f} s")
    for name, times in (("cached, same session rerun", rerun), ("cached, new session", fresh)):
        med = statistics.median(times)
        print(
            f"{name}: median {med:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
            f"(target {TARGET_S} s: {'met' if med <= TARGET_S else 'MISSED'}, "
            f"ratio {med / TARGET_S:.2f})"
        )
    print("\n## Where a cached run spends its time (outside Streamlit, median ms)\n")
    for name, ms in breakdown(args.reps).items():
        print(f"- {name}: {ms:.1f} ms")
    print(f"\n# load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
