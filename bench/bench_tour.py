"""The tour's steps on a fresh one-core server (issue 39): every step's run ready within
10 s once the warm-up is done, a visited step back within 0.5 s.

Starts `streamlit run streamlit_app.py` on 127.0.0.1 (a free port) pinned to one core
(`taskset -c 0`), warm-up on, wakes it as deploy/serve.sh does (GET
/_stcore/script-health-check runs the page once, which starts the warm-up), waits until
the warm-up is done (the server's CPU time grows by less than 5 % of a core over 3 s,
or `--warm S` fixed seconds), then in headless Chromium (tests/e2e/conftest.py's
launch) opens `?tour=k` for every step, each in a new page (a new session): seconds from
the request until the step's title is in the panel, the page has stopped running (no
status widget, nothing stale) and, where the step's view draws charts, they have marks.
Then each step again in a new page (a reload, a shared link), then within one session
Back from the last step to the first (the time after each click). The memory step's
sweep (its button) is timed too: the warm-up trains it last.

Run: nice -n 10 python bench/bench_tour.py [--lang en] [--warm S] [--core 0]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.i18n import t  # noqa: E402
from playground.tour import STEPS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
FIRST_TARGET_S, REOPEN_TARGET_S = 10.0, 0.5
PANEL = ".st-key-tour_panel"
CHARTS = '[data-testid="stVegaLiteChart"]'
CHARTED = {"train", "inside", "gradients", "text", "translate"}  # views that draw at once
# Ready: nothing running or stale, the panel shows `title`, and (`charts`) every chart
# shown has its marks.
READY_JS = """([panel, title, charts]) => {
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const p = document.querySelector(panel);
    if (!p || !p.innerText.includes(title)) return false;
    if (!charts) return true;
    const shown = Array.from(document.querySelectorAll(charts))
        .filter(c => c.getBoundingClientRect().width > 0);
    return shown.length > 0 && shown.every(c => c.querySelector('svg.marks, canvas.marks'));
}"""
TIMEOUT_MS = 600_000
LOG = Path(os.environ.get("TMPDIR", "/tmp")) / "rnn_playground_bench_tour.log"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode(errors="replace")


def start(port: int, core: int) -> subprocess.Popen:
    cmd = [
        "taskset", "-c", str(core), sys.executable, "-m", "streamlit", "run",
        "streamlit_app.py", "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--server.scriptHealthCheckEnabled", "true",
    ]  # fmt: skip
    env = dict(os.environ, PLAYGROUND_WARM_UP="1")
    with open(LOG, "wb") as log:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """The process's CPU time (user + system, all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, window_s: float = 3.0, share: float = 0.05) -> float:
    """Wait until the process uses less than `share` of a core over `window_s`; the
    seconds waited."""
    began = time.monotonic()
    while True:
        before = cpu_seconds(pid)
        time.sleep(window_s)
        if cpu_seconds(pid) - before < share * window_s:
            return time.monotonic() - began


def title(lang: str, number: int) -> str:
    step = STEPS[number - 1]
    return t(lang, "tour.step_of", step=number, total=len(STEPS), title=t(lang, step.word("title")))


def ready(page, lang: str, number: int, began: float) -> tuple[float, float]:
    """Seconds from `began` until step `number`'s panel shows and nothing runs, and
    until its view's charts are drawn too."""
    args = [PANEL, title(lang, number), ""]
    page.wait_for_function(READY_JS, arg=args, timeout=TIMEOUT_MS, polling=50)
    shown = time.monotonic() - began
    if STEPS[number - 1].view in CHARTED:
        args[2] = CHARTS
        page.wait_for_function(READY_JS, arg=args, timeout=TIMEOUT_MS, polling=50)
    return shown, time.monotonic() - began


def visit(context, url: str, lang: str, number: int) -> tuple[tuple[float, float], object]:
    """Step `number` in a new page (a new session): `ready`'s seconds, and the page."""
    page = context.new_page()
    began = time.monotonic()
    page.goto(f"{url}/?tour={number}&lang={lang}", timeout=TIMEOUT_MS)
    return ready(page, lang, number, began), page


def cell(times: tuple[float, float] | None) -> str:
    return "-" if times is None else f"{times[0]:.2f} / {times[1]:.2f}"


def machine() -> str:
    model = next(
        (line.split(":", 1)[1].strip() for line in subprocess.run(
            ["lscpu"], capture_output=True, text=True).stdout.splitlines()
         if line.startswith("Model name")),
        "?",
    )  # fmt: skip
    return f"{model}; nproc {os.cpu_count()}; load {tuple(round(x, 2) for x in os.getloadavg())}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--warm", type=float, help="seconds to wait for the warm-up (else idle)")
    parser.add_argument("--core", type=int, default=0, help="the one core the server gets")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"# machine: {machine()}; server on core {args.core} (taskset), nice {os.nice(0)}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    up = time.monotonic()
    server = start(port, args.core)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(f"{url}/_stcore/health", 2).strip() == "ok":
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server not healthy; see {LOG}") from None
                time.sleep(0.3)
        healthy = time.monotonic() - up
        get(f"{url}/_stcore/script-health-check", 600)  # the page once: starts the warm-up
        woken = time.monotonic() - up
        if args.warm is not None:
            time.sleep(max(0.0, args.warm - woken))
            how = f"fixed {args.warm:.0f} s"
        else:
            wait_idle(server.pid)
            how = "server idle (< 5 % of a core over 3 s)"
        warmed = time.monotonic() - up
        print(f"# healthy {healthy:.1f} s, woken {woken:.1f} s, warm-up done {warmed:.1f} s "
              f"after start ({how}); server CPU {cpu_seconds(server.pid):.0f} s")  # fmt: skip
        first, again, back, sweep = {}, {}, {}, None
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            for number in range(1, len(STEPS) + 1):
                first[number], page = visit(context, url, args.lang, number)
                if STEPS[number - 1].needs == "memory":  # its thing to do: the sweep
                    began = time.monotonic()
                    page.get_by_role("button", name=t(args.lang, "memory.run")).click()
                    page.wait_for_function(
                        f"() => document.querySelector('{CHARTS}') && "
                        "!document.querySelector('[data-testid=\"stStatusWidget\"]')",
                        timeout=TIMEOUT_MS,
                        polling=50,
                    )
                    sweep = time.monotonic() - began
                page.close()
            for number in range(1, len(STEPS) + 1):
                again[number], page = visit(context, url, args.lang, number)
                page.close()
            _, page = visit(context, url, args.lang, len(STEPS))
            for number in range(len(STEPS) - 1, 0, -1):
                button = page.locator(PANEL).get_by_role("button", name=t(args.lang, "tour.back"))
                button.wait_for()
                began = time.monotonic()
                button.click()
                back[number] = ready(page, args.lang, number, began)
            browser.close()
        print("\nSeconds until the step's panel shows and nothing runs / and its charts are"
              " drawn (a view without charts: the same).\n")  # fmt: skip
        print("| step | key | view | first visit | reopened (new page) | Back to it |")
        print("|---|---|---|---|---|---|")
        for number, step in enumerate(STEPS, start=1):
            cells = [cell(first.get(number)), cell(again.get(number)), cell(back.get(number))]
            print(f"| {number} | {step.key} | {step.view} | " + " | ".join(cells) + " |")
        for name, times in (("first visit", first), ("reopened", again), ("Back", back)):
            target = FIRST_TARGET_S if name == "first visit" else REOPEN_TARGET_S
            shown, drawn = (max(t[i] for t in times.values()) for i in (0, 1))
            print(f"{name}: max {shown:.2f} s panel, {drawn:.2f} s drawn (target <= {target} s)")
        if sweep is not None:
            print(f"memory step: its sweep (button to chart) {sweep:.2f} s")
        print(f"# load after: {tuple(round(x, 2) for x in os.getloadavg())}; log {LOG}")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
