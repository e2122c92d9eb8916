"""A room of N sessions through nginx to 2 replicas vs 1 process, alternating (issue #24).

Starts `deploy/serve.sh 2 PORT` (nginx in front of two replicas) and one plain
`streamlit run` on the same box, both on 127.0.0.1, both with the warm-up off (it would
train in the background while the room is measured). Then, per round and per target in
ABBA order: N websocket sessions (bench_load's Session, Streamlit's own protocol) load the
default page, all make the same new change at once (hidden_size to a value no round used
before: one training per server, then N full reruns), then the same with another new value
spread over --spread seconds, as a room clicks at its own pace. Reports p50/p95/max and
errors per target and scenario, the machine's load average before and after each, and
how many websockets each replica took (nginx's access log).

Run: python bench/bench_replicas.py [--sessions 60] [--rounds 2] [--spread 10]
Needs nginx (Debian: apt-get install -y nginx). Takes ~2 min a round on a quiet box.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_load import ROOT, Session, free_port, open_sessions, percentile, start_server  # noqa: E402

SERVE = os.path.join(ROOT, "deploy", "serve.sh")


def start_replicas(run_dir: Path) -> tuple[subprocess.Popen, int]:
    """deploy/serve.sh 2 PORT; returns it (group leader) and nginx's port once it serves."""
    port = free_port()
    env = dict(os.environ, PYTHON=sys.executable, RUN_DIR=str(run_dir), PLAYGROUND_WARM_UP="0")
    out = open(run_dir / "serve.out", "wb")  # noqa: SIM115 - written until it stops
    proc = subprocess.Popen(
        ["bash", SERVE, "2", str(port)],
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"serve.sh exited {proc.returncode}; see {run_dir}/serve.out")
        if "nginx: pid" in (run_dir / "serve.out").read_text(errors="replace"):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5):
                    return proc, port
            except OSError:
                pass
        time.sleep(0.5)
    raise RuntimeError("serve.sh did not serve within 180 s")


async def room(port: int, n: int, values: tuple[float, float], spread: float) -> list[dict]:
    """N sessions load the default page, change hidden_size to values[0] at once, then to
    values[1] over `spread` s. Returns one row per scenario."""
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    rows = []
    load, cpu, wall = os.getloadavg()[0], time.process_time(), time.perf_counter()
    sessions, loads, _ = await open_sessions(url, n)
    rows.append(summary("load page", loads, [], load, cpu, wall))
    for value, over in ((values[0], 0.0), (values[1], spread)):
        load, cpu, wall = os.getloadavg()[0], time.process_time(), time.perf_counter()

        async def one(i: int, session: Session, value: float = value, over: float = over):
            await asyncio.sleep(over * i / max(n - 1, 1))
            state = session.slider_state("hidden_size", value)
            return await session.rerun(f"hidden_size={int(value)}", [state])

        outcomes = await asyncio.gather(*(one(i, s) for i, s in enumerate(sessions)))
        times = [o.seconds for o in outcomes if o.seconds is not None]
        errors = [o.error for o in outcomes if o.error]
        errors += ["page drew no chart" for o in outcomes if not o.error and not o.chart]
        rows.append(summary(f"same change over {over:.0f} s", times, errors, load, cpu, wall))
    await asyncio.gather(*(s.ws.close() for s in sessions))
    return rows


def summary(
    name: str, times: list[float], errors: list[str], load: float, cpu: float, wall: float
) -> dict:
    """`cpu`, `wall`: this process's CPU time and the clock when the scenario began (the
    client's share of the wall time: near 1, the client, not the server, set the pace)."""
    return {
        "scenario": name,
        "n": len(times),
        "p50_s": statistics.median(times) if times else float("nan"),
        "p95_s": percentile(times, 0.95) if times else float("nan"),
        "max_s": max(times) if times else float("nan"),
        "errors": len(errors),
        "first_error": errors[0][:80] if errors else "",
        "load_before": load,
        "client_cpu_share": (time.process_time() - cpu) / (time.perf_counter() - wall),
    }


def websockets_per_replica(run_dir: Path) -> dict[str, int]:
    text = (run_dir / "access.log").read_text(errors="replace")
    counts: dict[str, int] = {}
    for upstream in re.findall(
        r'"GET /_stcore/stream[^"]*" 101 \d+ route=\S+ upstream=(\S+)', text
    ):
        counts[upstream] = counts.get(upstream, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--spread", type=float, default=10.0)
    args = parser.parse_args()
    print(f"# nproc {os.cpu_count()}, load {os.getloadavg()}, sessions {args.sessions}")
    run_dir = Path(tempfile.mkdtemp(prefix="bench-replicas."))
    single_port = free_port()
    os.environ["PLAYGROUND_WARM_UP"] = "0"
    single = start_server(single_port, os.path.join(ROOT, "streamlit_app.py"), [])
    # Woken as serve.sh wakes each replica: the page runs once (the default trains).
    urllib.request.urlopen(
        f"http://127.0.0.1:{single_port}/_stcore/script-health-check", timeout=300
    ).read()
    replicas = None
    try:
        replicas, nginx_port = start_replicas(run_dir)
        targets = {"1 process": single_port, "nginx, 2 replicas": nginx_port}
        order = list(targets)
        results: list[tuple[str, int, dict]] = []
        value = 40.0
        for r in range(args.rounds):
            for name in order if r % 2 == 0 else order[::-1]:  # ABBA
                rows = asyncio.run(
                    room(targets[name], args.sessions, (value, value + 1), args.spread)
                )
                value += 2
                for row in rows:
                    results.append((name, r + 1, row))
                    print(name, r + 1, row, flush=True)
        print(
            "\n| target | round | scenario | p50 s | p95 s | max s | errors | load before "
            "| client CPU share |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for name, r, row in results:
            print(
                f"| {name} | {r} | {row['scenario']} | {row['p50_s']:.2f} | {row['p95_s']:.2f} "
                f"| {row['max_s']:.2f} | {row['errors']} {row['first_error']} "
                f"| {row['load_before']:.1f} | {row['client_cpu_share']:.2f} |"
            )
        print(f"websockets per replica (nginx access log): {websockets_per_replica(run_dir)}")
        print(f"load after: {os.getloadavg()}")
    finally:
        if replicas is not None and replicas.poll() is None:
            replicas.send_signal(signal.SIGTERM)
            print(f"serve.sh exit code {replicas.wait(timeout=30)}")
        single.terminate()
        try:
            single.wait(timeout=15)
        except subprocess.TimeoutExpired:
            single.kill()


if __name__ == "__main__":
    main()
