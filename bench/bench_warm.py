"""First visits on a server up 30 s: the time each link takes to draw its charts.

Starts a real `streamlit run` server (bench_load.py's, 127.0.0.1), wakes it the way the
deployment does (`--trigger health`: GET /_stcore/script-health-check, which runs the
page once and so starts the warm-up; `visit`: a first visitor opens the default page;
`none`), waits until the server has been up `--up` s, then opens every link once, one
after the other, each in a new session: the default page, then every preset in the order
the page lists them (`?preset=KEY`, which opens the preset's view). Per link: seconds
from the request to script_finished (the charts drawn), the charts drawn, whether the
page showed a progress bar (it computed or waited), errors. Also the server log's
"warm-up: <link> ready at" lines (playground/warm.py). Target (issue #14): every link <= 1.5 s.

Compare two trees alternating, e.g. the page before a change exported to a directory:
  python bench/bench_warm.py --root /tmp/before --root . --reps 3

Run: python bench/bench_warm.py [--up 30] [--trigger health] [--root DIR ...] [--reps 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))

from bench_load import (  # noqa: E402
    LOG_PATH,
    ROOT,
    Session,
    free_port,
    peak_rss_mb,
    start_server,
)

TARGET_S = 1.5


def links() -> list[tuple[str, str]]:
    """(name, query string): the default page, then every preset as the page lists them
    (this tree's presets)."""
    sys.path.insert(0, ROOT)
    from playground.workshop.presets import PRESETS

    return [("default", "")] + [(key, f"preset={key}") for key in PRESETS]


async def visit(url: str, query: str) -> dict[str, object]:
    session = Session(url)
    await session.connect()
    outcome = await session.rerun(query)
    charts = len(session.charts)
    await session.ws.close()
    return {
        "seconds": outcome.seconds,
        "error": outcome.error,
        "charts": charts,
        "computed": outcome.progress > 0,
    }


def wake(base: str, url: str, trigger: str) -> None:
    if trigger == "health":
        with urllib.request.urlopen(base + "/_stcore/script-health-check", timeout=90) as r:
            r.read()
    elif trigger == "visit":
        asyncio.run(visit(url, ""))


def ready_times() -> dict[str, float]:
    """The warm-up's "<link> ready at <s> s" log lines (seconds since it started)."""
    with open(LOG_PATH, errors="replace") as f:
        text = f.read()
    return {m[1]: float(m[2]) for m in re.finditer(r"warm-up: (\S+) ready at ([\d.]+) s", text)}


def one_server(root: str, args: argparse.Namespace) -> dict[str, dict[str, object]]:
    port = free_port()
    base, url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/_stcore/stream"
    options = ["server.scriptHealthCheckEnabled=true"] if args.trigger == "health" else []
    server = start_server(port, os.path.join(root, "streamlit_app.py"), options, root)
    up = time.monotonic()
    try:
        wake(base, url, args.trigger)
        woken = time.monotonic() - up
        time.sleep(max(0.0, args.up - (time.monotonic() - up)))
        rows = {}
        for name, query in links():
            row = asyncio.run(visit(url, query))
            row["at_s"] = round(time.monotonic() - up, 1)
            rows[name] = row
        ready = ready_times()
        for name, row in rows.items():
            row["ready_at_s"] = ready.get(name)
        print(
            f"# {root}: woken by {args.trigger} in {woken:.1f} s; peak RSS "
            f"{peak_rss_mb(server.pid):.0f} MB; load {os.getloadavg()}",
            flush=True,
        )
        return rows
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except Exception:  # noqa: BLE001
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--up", type=float, default=30.0, help="server age at the first visit")
    parser.add_argument("--trigger", choices=("health", "visit", "none"), default="health")
    parser.add_argument("--root", action="append", help="tree to serve (repeatable)")
    parser.add_argument("--reps", type=int, default=1, help="rounds over the trees")
    args = parser.parse_args()
    roots = [os.path.abspath(r) for r in (args.root or [ROOT])]
    print(f"# nproc {os.cpu_count()}, load {os.getloadavg()}, up {args.up} s, {args.trigger}")
    results: dict[str, list[dict[str, dict[str, object]]]] = {r: [] for r in roots}
    for rep in range(args.reps):
        order = roots if rep % 2 == 0 else roots[::-1]  # alternate which tree goes first
        for root in order:
            rows = one_server(root, args)
            results[root].append(rows)
            print(f"| {root} rep {rep} | link | s | charts | computed | visited at | ready at |")
            for name, row in rows.items():
                seconds = row["seconds"]
                shown = f"{seconds:.2f}" if seconds is not None else row["error"]
                print(
                    f"| | {name} | {shown} | {row['charts']} | {row['computed']} | "
                    f"{row['at_s']} | {row['ready_at_s']} |",
                    flush=True,
                )
    print("\n## medians over reps (s); target <= 1.5 s\n")
    names = list(next(iter(results.values()))[0])
    print("| link | " + " | ".join(roots) + " |")
    print("|---|" + "---|" * len(roots))
    for name in names:
        cells = []
        for root in roots:
            times = [r[name]["seconds"] for r in results[root] if r[name]["seconds"] is not None]
            cells.append(f"{statistics.median(times):.2f}" if times else "error")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\n# load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
