"""Room-scale load: 60 websocket sessions against a real `streamlit run` server.

Speaks Streamlit's own browser protocol: a websocket to /_stcore/stream (subprotocol
"streamlit"), binary BackMsg protobufs up (`rerun_script` carrying a ClientState with the
query string and widget states), ForwardMsg protobufs down until `script_finished`. Each
session first loads the default page (a rerun with no widget states, as the browser's
first message), reads the widget ids from the deltas, then changes a slider by sending
that widget's state, as the frontend does on release.

Scenarios (one server, started and stopped here, bound to 127.0.0.1), issue #14:
  same:      every session on the default page moves "hidden_size" 32 -> 48 (one
             training serves the room)
  different: session i moves "hidden_size" to its own value (N distinct trainings); the
             page must show each queued session its place ("Queued: k ahead of you")
  compare:   N new sessions open a preset link (--preset, default tutorial_rnn), then
             all click the Compare tab at once
Per scenario: p50/p95 seconds from sending the rerun to its script_finished, errors
(exceptions on the page, timeouts, dropped sockets, pages without a chart), and GET
/_stcore/health latency probed every 0.2 s during the load. Peak server memory is VmHWM
from /proc. Before the room arrives the bench waits for the server's warm-up to finish
(its log line "warm-up done", at most --wait-warm s), as a room arriving after the
instructor opened the link would find it.

`--probe` serves through bench/serve_probe.py and prints what the server keeps per
session (live sessions, their state's bytes) while sessions are open and after they
close (not for timing: the probe walks session state).

Run: python bench/bench_load.py [--sessions 60] [--scenarios same,compare,different]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
REQUEST_TIMEOUT_S = 90.0  # one rerun may not take longer than this
MAX_SESSIONS = 200  # hard bound, whatever the flag says
LOG_PATH = os.path.join(tempfile.gettempdir(), "rnn_playground_bench_server.log")
PROBE_PATH = os.path.join(tempfile.gettempdir(), "rnn_playground_bench_probe.jsonl")
WARM_DONE = "warm-up done"  # playground/warm.py's log line when every warm job is done


def english(key: str) -> str | None:
    with open(os.path.join(ROOT, "playground", "locales", "en.json"), encoding="utf-8") as f:
        return json.load(f).get(key)


# What a session waiting for a core is told: "Waiting for a free core…" (place 0) or, in
# earlier versions, its place in the queue, e.g. "Queued: 3 ahead of you" (a number).
QUEUED = re.compile(
    r"Queued: (\d+) ahead of you|(?P<zero>" + re.escape(english("progress.waiting") or "~") + ")"
)


@dataclass
class Outcome:
    seconds: float | None = None  # request to script_finished; None on error
    error: str = ""
    chart: str = ""  # digest of the first chart shown: which result the page drew
    progress: int = 0  # progress-bar updates seen (the session computed or waited)
    queue_places: tuple[int, ...] = ()  # places shown while queued ("k ahead of you")


@dataclass
class Session:
    """One simulated browser tab."""

    url: str
    ws: object = None
    widget_ids: dict[str, str] = field(default_factory=dict)  # key -> widget id
    exceptions: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # digests of charts, in order
    progress_texts: list[str] = field(default_factory=list)  # progress-bar texts shown
    fragments: dict[str, str] = field(default_factory=dict)  # widget key -> its fragment id
    # Large messages received (hash -> message), which the browser keeps and names in each
    # rerun request (`cached_message_hashes`): the server then sends a reference instead.
    cache: dict[str, ForwardMsg] = field(default_factory=dict)

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=2**26, open_timeout=30
        )

    async def rerun(
        self, query_string: str = "", widget_states=(), fragment_id: str = ""
    ) -> Outcome:
        """Send rerun_script as the browser does (`fragment_id`: a fragment's widget
        reruns that fragment alone; the hashes of the large messages it holds); wait for
        script_finished. Collects widget ids and errors."""
        msg = BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_script_hash = ""
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.cached_message_hashes.extend(self.cache)
        for state in widget_states:
            msg.rerun_script.widget_states.widgets.append(state)
        self.exceptions.clear()
        self.charts.clear()
        self.progress_texts.clear()
        started = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            while True:
                data = await asyncio.wait_for(self.ws.recv(), REQUEST_TIMEOUT_S)
                fwd = ForwardMsg()
                fwd.ParseFromString(data)
                kind = fwd.WhichOneof("type")
                if kind == "ref_hash":  # a message this tab holds, named by its hash
                    fwd = self.cache[fwd.ref_hash]
                    kind = fwd.WhichOneof("type")
                elif fwd.metadata.cacheable and fwd.hash:
                    self.cache[fwd.hash] = fwd
                if kind == "delta":
                    self.read_delta(fwd)
                elif kind == "script_finished":
                    seconds = time.perf_counter() - started
                    status = fwd.script_finished
                    if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # superseded by our own later rerun; keep waiting
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        return Outcome(error="compile error")
                    if self.exceptions:
                        return Outcome(error="page exception: " + self.exceptions[0][:120])
                    places = tuple(
                        0 if m.groupdict().get("zero") else int(m.group(1))
                        for m in map(QUEUED.search, self.progress_texts)
                        if m
                    )
                    return Outcome(
                        seconds=seconds,
                        chart=(self.charts or [""])[0],
                        progress=len(self.progress_texts),
                        queue_places=places,
                    )
        except TimeoutError:
            return Outcome(error=f"no script_finished within {REQUEST_TIMEOUT_S} s")
        except websockets.ConnectionClosed as exc:
            return Outcome(error=f"socket closed: {exc}")

    def read_delta(self, fwd: ForwardMsg) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") == "add_block":
            block = delta.add_block
            if block.WhichOneof("type") == "tab_container" and block.tab_container.id:
                widget_id = block.tab_container.id  # st.tabs(key=...) is a widget
                key = widget_id.rsplit("-", 1)[-1]
                self.widget_ids[key] = widget_id
                self.fragments[key] = delta.fragment_id  # the tabs are a fragment
            return
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message)
            return
        inner = getattr(element, kind)
        if kind == "progress":
            self.progress_texts.append(inner.text)
        if "vega_lite" in (kind or ""):
            self.charts.append(hashlib.sha1(inner.SerializeToString()).hexdigest()[:12])
        widget_id = getattr(inner, "id", "") if kind else ""
        if widget_id and widget_id.startswith("$$ID"):
            self.widget_ids[widget_id.rsplit("-", 1)[-1]] = widget_id

    def slider_state(self, key: str, value: float):
        state = BackMsg().rerun_script.widget_states.widgets.add()
        state.id = self.widget_ids[key]
        state.double_array_value.data.append(value)
        return state

    def tab_state(self, key: str, label: str):
        state = BackMsg().rerun_script.widget_states.widgets.add()
        state.id = self.widget_ids[key]
        state.string_value = label
        return state


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of `pid` and its children, in MB."""
    total = 0.0
    pids = [pid] + [int(p) for p in children(pid)]
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (from /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return f.read().split()
    except FileNotFoundError:
        return []


class HealthProbe(threading.Thread):
    """GET /_stcore/health every `interval` s while running; records latencies."""

    def __init__(self, base: str, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.url, self.interval = base + "/_stcore/health", interval
        self.latencies: list[float] = []
        self.failures = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=10) as r:
                    r.read()
                self.latencies.append(time.perf_counter() - started)
            except OSError:
                self.failures += 1
            self.stop.wait(self.interval)


def start_server(
    port: int,
    app: str,
    options: list[str],
    root: str = ROOT,
    env: dict[str, str] | None = None,
    probe: bool = False,
) -> subprocess.Popen:
    """`streamlit run app` from `root` (another tree: an earlier version) on 127.0.0.1."""
    launcher = [os.path.join(ROOT, "bench", "serve_probe.py")] if probe else ["-m", "streamlit"]
    cmd = [
        sys.executable, *launcher, "run", app,
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ] + [f"--{option}" for option in options]  # fmt: skip
    log = open(LOG_PATH, "w")  # noqa: SIM115 - the server writes to it until it stops
    # a page outside the tree still finds the package
    env = dict(os.environ, PYTHONPATH=root, PROBE_OUT=PROBE_PATH, **(env or {}))
    if probe and os.path.exists(PROBE_PATH):
        os.remove(PROBE_PATH)
    server = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return server
        except OSError as exc:
            if server.poll() is not None:
                raise RuntimeError(f"server exited; see {LOG_PATH}") from exc
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("server did not become healthy within 90 s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def scenario(
    name: str,
    sessions: list[Session],
    send,
    spread: float,
    base: str,
    default_chart: str,
    server_pid: int,
) -> dict[str, object]:
    """Every session i awaits `send(session, i)` (a rerun), spread evenly over `spread` s.

    distinct_results counts different first charts drawn (same: 1, different: one per
    session); unchanged_results counts pages still showing the default chart;
    queue_shown counts sessions whose page showed their place in the queue, of those
    that showed a progress bar (waited)."""
    probe = HealthProbe(base)
    probe.start()

    async def one(i: int) -> Outcome:
        await asyncio.sleep(spread * i / max(len(sessions) - 1, 1))
        return await send(sessions[i], i)

    started = time.perf_counter()
    server_cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
    outcomes = await asyncio.gather(*(one(i) for i in range(len(sessions))))
    wall = time.perf_counter() - started
    server_cpu = cpu_seconds(server_pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    probe.stop.set()
    probe.join()
    times = [o.seconds for o in outcomes if o.seconds is not None]
    errors = [o.error for o in outcomes if o.error]
    errors += ["page drew no chart" for o in outcomes if not o.error and not o.chart]
    health = probe.latencies or [float("nan")]
    return {
        "scenario": name,
        "sessions": len(sessions),
        "p50_s": statistics.median(times) if times else float("nan"),
        "p95_s": percentile(times, 0.95) if times else float("nan"),
        "max_s": max(times) if times else float("nan"),
        "errors": len(errors),
        "distinct_results": len({o.chart for o in outcomes if o.chart}),
        "unchanged_results": sum(o.chart == default_chart for o in outcomes),
        "waited": sum(o.progress > 0 for o in outcomes),
        "queue_shown": sum(bool(o.queue_places) for o in outcomes),
        "health_p50_s": statistics.median(health),
        "health_p95_s": percentile(health, 0.95),
        "health_failures": probe.failures,
        "wall_s": wall,
        "server_cpu_s": server_cpu,
        "client_cpu_s": client_cpu,
        "first_error": errors[0] if errors else "",
    }


async def open_sessions(
    url: str, n: int, query: str = "", need: str = "hidden_size"
) -> tuple[list[Session], list[float], str]:
    """Connect n sessions and load the page of `query` in each (concurrently)."""
    sessions = [Session(url) for _ in range(n)]
    await asyncio.gather(*(s.connect() for s in sessions))
    outcomes = await asyncio.gather(*(s.rerun(query) for s in sessions))
    bad = [o.error for o in outcomes if o.error]
    if bad:
        raise RuntimeError(f"{len(bad)} sessions failed to load the page: {bad[0]}")
    missing = [s for s in sessions if need not in s.widget_ids]
    if missing:
        raise RuntimeError(f"the page showed no {need} widget")
    return sessions, [o.seconds for o in outcomes], outcomes[0].chart


async def sequential(url: str, reps: int = 5) -> None:
    """Without concurrency: a new session's first load, and a rerun, of the cached page."""
    loads, reruns = [], []
    for _ in range(reps):
        session = Session(url)
        await session.connect()
        loads.append((await session.rerun()).seconds or float("nan"))
        await session.ws.close()
    session = Session(url)
    await session.connect()
    await session.rerun()
    for _ in range(reps):
        state = session.slider_state("hidden_size", 32.0)  # unchanged value: cached
        reruns.append((await session.rerun("", [state])).seconds or float("nan"))
    await session.ws.close()
    print(
        f"one at a time, cached page: new session first load median "
        f"{statistics.median(loads):.3f} s, rerun median {statistics.median(reruns):.3f} s"
    )


def wait_for_warm_up(limit: float) -> float | None:
    """Seconds waited until the server's log says the warm-up is done (None: it did not
    within `limit` s, e.g. an earlier version without the log line)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        with open(LOG_PATH, errors="replace") as f:
            if WARM_DONE in f.read():
                return time.monotonic() - started
        time.sleep(0.5)
    return None


PROBING = False  # set by --probe: the server writes probe rows


def probe_rows(last: int = 1) -> list[dict]:
    """The server probe's last rows (bench/serve_probe.py), if it runs."""
    if not PROBING:
        return []
    try:
        with open(PROBE_PATH) as f:
            return [json.loads(line) for line in f.read().splitlines()[-last:]]
    except FileNotFoundError:
        return []


async def run(args: argparse.Namespace, port: int, server: subprocess.Popen) -> None:
    base = f"http://127.0.0.1:{port}"
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    n = min(args.sessions, MAX_SESSIONS)
    chosen = args.scenarios.split(",")
    warm = Session(url)  # trains the default config once, like the first visitor
    await warm.connect()
    cold = await warm.rerun()
    print(f"first page load (cold, trains defaults): {cold.seconds} s {cold.error}")
    await warm.ws.close()
    if args.wait_warm > 0:
        waited = await asyncio.to_thread(wait_for_warm_up, args.wait_warm)
        print(f"warm-up done after {waited} s more (None: not within {args.wait_warm} s)")

    await sequential(url)
    rows = []
    if "same" in chosen or "different" in chosen:
        sessions, loads, default_chart = await open_sessions(url, n)
        print(
            f"{n} sessions loaded the default page: p50 {statistics.median(loads):.2f} s, "
            f"p95 {percentile(loads, 0.95):.2f} s; probe {probe_rows()}"
        )

        def change(values: list[float]):
            async def send(session: Session, i: int) -> Outcome:
                state = session.slider_state("hidden_size", values[i])
                return await session.rerun(f"hidden_size={int(values[i])}", [state])

            return send

        if "same" in chosen:
            rows.append(
                await scenario(
                    "same_change",
                    sessions,
                    change([48.0] * n),
                    args.spread,
                    base,
                    default_chart,
                    server.pid,
                )
            )
            print(f"  peak RSS so far {peak_rss_mb(server.pid):.0f} MB", flush=True)
        if "different" in chosen:
            values = [float(60 + i) for i in range(n)]  # hidden sizes 60.. : all new configs
            rows.append(
                await scenario(
                    "all_different",
                    sessions,
                    change(values),
                    args.spread,
                    base,
                    default_chart,
                    server.pid,
                )
            )
            print(f"  peak RSS so far {peak_rss_mb(server.pid):.0f} MB", flush=True)
        await asyncio.gather(*(s.ws.close() for s in sessions))
    if "compare" in chosen:
        query = f"preset={args.preset}"
        sessions, loads, preset_chart = await open_sessions(url, n, query, need="view")
        print(
            f"{n} sessions loaded {query}: p50 {statistics.median(loads):.2f} s, "
            f"p95 {percentile(loads, 0.95):.2f} s",
            flush=True,
        )
        label = english("view.compare.title")

        async def open_compare(session: Session, i: int) -> Outcome:
            tab = session.tab_state("view", label)  # a fragment rerun, as the browser sends
            return await session.rerun(query, [tab], session.fragments.get("view", ""))

        rows.append(
            await scenario(
                f"compare_on_{args.preset}",
                sessions,
                open_compare,
                args.spread,
                base,
                "",
                server.pid,
            )
        )
        print(f"  probe with {n} sessions open: {probe_rows()}")
        await asyncio.gather(*(s.ws.close() for s in sessions))
    header = list(rows[0]) if rows else []
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print(
            "| "
            + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values())
            + " |"
        )
    print(f"peak server RSS (VmHWM): {peak_rss_mb(server.pid):.0f} MB; load {os.getloadavg()}")
    if args.probe:
        # Streamlit keeps a closed session 2 min for a reconnect, and drops expired ones
        # when it next stores one: after 130 s, one more session opens and closes.
        for after in (5, 65, 130):
            await asyncio.sleep(after - (0 if after == 5 else 60 if after == 65 else 65))
            print(f"  probe {after} s after closing all sessions: {probe_rows()}", flush=True)
        late = Session(url)
        await late.connect()
        await late.rerun()
        await late.ws.close()
        await asyncio.sleep(2 * float(os.environ.get("PROBE_INTERVAL_S", "2")) + 1)
        print(f"  probe after one more session opened and closed: {probe_rows()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument(
        "--scenarios", default="same,compare,different", help="comma-separated, run in this order"
    )
    parser.add_argument("--preset", default="tutorial_rnn", help="the compare scenario's link")
    parser.add_argument(
        "--wait-warm", type=float, default=300, help="wait for the warm-up (s; 0: do not)"
    )
    parser.add_argument("--root", default=ROOT, help="tree to serve (e.g. an earlier version)")
    parser.add_argument(
        "--env", action="append", default=[], help="server environment KEY=VALUE (repeatable)"
    )
    parser.add_argument("--probe", action="store_true", help="serve via bench/serve_probe.py")
    parser.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="seconds over which the sessions send their change (0: at once)",
    )
    parser.add_argument(
        "--app",
        default="streamlit_app.py",
        help="page script to serve (to compare a variant of the page)",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        help="extra server option, e.g. runner.postScriptGC=false (repeatable)",
    )
    args = parser.parse_args()
    port = free_port()
    print(
        f"# nproc {os.cpu_count()}, load {os.getloadavg()}, port {port}, "
        f"app {args.app}, root {args.root}, options {args.option}, env {args.env}"
    )
    global PROBING
    PROBING = args.probe
    env = dict(item.split("=", 1) for item in args.env)
    app = os.path.abspath(os.path.join(args.root, args.app))
    server = start_server(port, app, args.option, args.root, env, args.probe)
    try:
        asyncio.run(asyncio.wait_for(run(args, port, server), timeout=1500))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
