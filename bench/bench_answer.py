"""How quickly the page answers a move, in a real browser (issue 25: "quicker answers").

Headless Chromium on the tutorial page (the default config); the noise slider moves one
step by keyboard, and the time is taken from the key press until the page is idle (no
run, nothing stale) with every visible chart redrawn (its marks differ from before):

  new   a noise value this server has not trained (one step further each time);
  seen  a value it has (one step back: the run before, already in the cache).

Each server is this checkout and, with `--baseline REF` (repeatable), the same app at a git ref (its
files, from `git archive`, in a temporary directory), measured alternately in one run (ABBA
order) so that both see the same load. Per measured rerun it also counts what the
server sent: websocket messages and their bytes (where the time goes: specs and data
re-sent, the replay, the tables).

Target on a quiet 2-core box (issue 25): seen <= 0.2 s, new <= 0.6 s, both below the
previous release in the same run.

Run: python bench/bench_answer.py [--reps 6] [--baseline 7ae7747^ [--baseline REF ...]]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # first: its conftest starts servers

from conftest import CHROMIUM, CHROMIUM_ARGS, free_port, stop_server, wait_for_health  # noqa: E402
from test_browser import CHARTS, FINGERPRINT_JS, settle  # noqa: E402

VIEWPORT = {"width": 1366, "height": 900}
TIMEOUT_MS = 300_000

# Sets window.__answer: a promise of the milliseconds from the next key press until the
# page is idle with its charts changed from `before` (checked every animation frame), and
# of where they went (ms after the press, from TRAFFIC_JS): the page asks for the rerun
# (`sent`), the server's first and last messages arrive (`first`, `last`).
ANSWER_JS = """(before) => { window.__answer = new Promise(resolve => {
    let start = null;
    document.addEventListener('keydown', () => { start = performance.now(); },
                              {capture: true, once: true});
    const fingerprint = FINGERPRINT;
    let seenRun = false;
    const check = () => {
        const running = !!document.querySelector('[data-testid="stStatusWidget"]')
            || !!document.querySelector('[data-stale="true"]');
        seenRun = seenRun || running;
        const charts = document.querySelectorAll('CHARTS');
        const drawn = Array.from(charts).every(c => c.querySelector('svg.marks g.role-mark path'));
        if (start !== null && !running && drawn && charts.length) {
            const now = fingerprint();
            if (now.join('\\n\\n') !== before.join('\\n\\n')) {
                const t = window.__traffic || {}, at = x => (x == null ? null : x - start);
                resolve({ms: performance.now() - start, sent: at(t.sent), first: at(t.first),
                         last: at(t.last)});
                return;
            }
        }
        requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
}); }""".replace("FINGERPRINT", FINGERPRINT_JS).replace("CHARTS", CHARTS)


def start_app(cwd: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run streamlit_app.py` in `cwd` on a free local port (no warm-up)."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = os.environ | {"PLAYGROUND_WARM_UP": "0", "PYTHONPATH": str(cwd)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_for_health(url, proc, log)
    return proc, url


# Counts what the server sends, in the page itself (a listener on each websocket): not
# through the DevTools protocol, whose per-frame events (each frame's payload copied to
# the driver) cost the browser more the more is sent, and so weighed on what is timed.
TRAFFIC_JS = """(() => {
    window.__resetTraffic = () => {
        window.__traffic = {messages: 0, bytes: 0, sent: null, first: null, last: null};
    };
    window.__resetTraffic();
    const Native = window.WebSocket;
    const nativeSend = Native.prototype.send;
    Native.prototype.send = function (...args) {  // when the page asks for the rerun
        if (window.__traffic.sent === null) window.__traffic.sent = performance.now();
        return nativeSend.apply(this, args);
    };
    window.WebSocket = function (...args) {
        const ws = new Native(...args);
        ws.addEventListener('message', e => {
            const t = window.__traffic, now = performance.now();
            t.messages += 1;
            t.bytes += e.data.byteLength ?? e.data.size ?? e.data.length ?? 0;
            if (t.first === null) t.first = now;
            t.last = now;
        });
        return ws;
    };
    window.WebSocket.prototype = Native.prototype;
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = Native[k];
})();"""


class Traffic:
    """Websocket messages and bytes the server sent to one page since `reset`."""

    def __init__(self, page) -> None:
        self.page = page

    def reset(self) -> None:
        self.page.evaluate("() => window.__resetTraffic()")

    def read(self) -> tuple[int, int]:
        got = self.page.evaluate("() => window.__traffic")
        return got["messages"], got["bytes"]


# React's commits (a stand-in for the devtools hook, which React calls on each commit):
# how many times the page redrew its tree for one answer.
COMMITS_JS = """window.__commits = 0;
window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {supportsFiber: true, renderers: new Map(),
    inject() { return 1; }, onCommitFiberRoot() { window.__commits += 1; },
    onCommitFiberUnmount() {}, onPostCommitFiberRoot() {}, onScheduleFiberRoot() {},
    checkDCE() {}};"""

# The answer's marks: ms after the key press (the page asks for the rerun, the server's
# first and last messages arrive, answered), then the browser's main thread over the
# answer (`task`: busy, `script`: running JS, ms; from CDP Performance.getMetrics) and
# React's commits.
PHASES = ("sent", "first", "last", "ms", "task", "script", "commits")


def browser_busy(cdp) -> tuple[float, float]:
    """The page's main thread so far: seconds busy, seconds running JS."""
    got = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return got["TaskDuration"], got["ScriptDuration"]


def answer(page, key: str, cdp=None) -> dict[str, float | None]:
    """From pressing `key` on the noise slider until the page has answered: the marks of
    PHASES (`ms`: answered; `task`, `script` with `cdp`, a CDP session of the page)."""
    before = page.evaluate(FINGERPRINT_JS)
    thumb = page.locator(".st-key-noise input[type=range]")
    thumb.focus()
    page.evaluate(ANSWER_JS, before)  # the clock starts at the key press
    page.evaluate("() => { window.__commits = 0; }")
    busy = browser_busy(cdp) if cdp is not None else None
    thumb.press(key)
    marks = page.evaluate("() => window.__answer")
    if busy is not None:
        now = browser_busy(cdp)
        marks["task"], marks["script"] = ((b - a) * 1000 for a, b in zip(busy, now, strict=True))
    marks["commits"] = page.evaluate("() => window.__commits")
    settle(page)  # nothing else still coming
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=6)
    parser.add_argument(
        "--baseline", action="append", default=[], help="a git ref to compare with (repeatable)"
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    apps: dict[str, Path] = {"current": ROOT}
    tmp = Path(tempfile.mkdtemp(prefix="bench_answer_"))
    for i, ref in enumerate(args.baseline):
        (tmp / str(i)).mkdir()
        archive = subprocess.run(
            ["git", "archive", ref], cwd=ROOT, check=True, capture_output=True
        ).stdout  # the app at that ref, with no change to the repository
        subprocess.run(["tar", "-x", "-C", str(tmp / str(i))], input=archive, check=True)
        apps[f"baseline {ref}"] = tmp / str(i)
    procs, pages, traffic, cdps = [], {}, {}, {}
    times: dict[str, dict[str, list[dict]]] = {name: {"new": [], "seen": []} for name in apps}
    sent: dict[str, dict[str, list[tuple[int, int]]]] = {
        name: {"new": [], "seen": []} for name in apps
    }
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            for name, cwd in apps.items():
                proc, url = start_app(cwd, Path(tempfile.gettempdir()) / f"answer_{len(procs)}.log")
                procs.append(proc)
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(TRAFFIC_JS)
                context.add_init_script(COMMITS_JS)
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                traffic[name] = Traffic(page)
                cdps[name] = context.new_cdp_session(page)
                cdps[name].send("Performance.enable")
                page.goto(url + "/")
                settle(page)
                pages[name] = page
            order = list(apps)
            for rep in range(args.reps):
                for name in order if rep % 2 == 0 else reversed(order):  # ABBA
                    page = pages[name]
                    for kind, key in (("new", "ArrowRight"), ("seen", "ArrowLeft")):
                        if kind == "seen":  # back to a trained value: step forward first
                            answer(page, "ArrowRight")
                        traffic[name].reset()
                        times[name][kind].append(answer(page, key, cdps[name]))
                        sent[name][kind].append(traffic[name].read())
                    # The next "new" is one step further than any value seen so far.
                    answer(page, "ArrowRight")
            browser.close()
    finally:
        for proc in procs:
            stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"answer to one noise step, median of {args.reps} (min..max), seconds")
    for name in apps:
        for kind in ("new", "seen"):
            ts = [m["ms"] / 1000.0 for m in times[name][kind]]
            msgs = statistics.median(m for m, _ in sent[name][kind])
            kb = statistics.median(b for _, b in sent[name][kind]) / 1024
            print(
                f"  {name:28s} {kind:4s} {statistics.median(ts):6.3f}"
                f" ({min(ts):.3f}..{max(ts):.3f})  sent {msgs:.0f} messages, {kb:.0f} KB"
            )
    print("where it went, medians: ms after the key press when the page asks, the first and")
    print("the last message arrive, answered; the browser's main thread busy and in JS (ms);")
    print("React's commits")
    for name in apps:
        for kind in ("new", "seen"):
            cells = []
            for phase in PHASES:
                got = [m[phase] for m in times[name][kind] if m.get(phase) is not None]
                cells.append(f"{phase} {statistics.median(got):5.0f}" if got else f"{phase} -")
            print(f"  {name:28s} {kind:4s} " + "  ".join(cells))


if __name__ == "__main__":
    main()
