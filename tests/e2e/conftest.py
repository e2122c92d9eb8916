"""Fixtures for browser tests: one real Streamlit server, one real headless Chromium.

`app_url` starts `streamlit run streamlit_app.py` on a free local port for the whole
session and stops its process group afterwards; `start_app` starts more servers for one
test. `browser` launches the system Chromium through Playwright's sync API. `page` opens
a fresh page and fails the test if the browser logged any console error or uncaught page
error while it ran; `new_page` opens as many such pages as a test needs, each in its own
browser context (its own Streamlit session).

Without Playwright or /usr/bin/chromium the browser tests skip, except under CI (env
var `CI` set), where they fail: CI installs Chromium, so a skip there would hide breakage.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"  # screenshots and the server log (gitignored)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 60.0  # cold import of torch + streamlit on a busy 2-core box
SERVER_STOP_TIMEOUT_S = 10.0
VIEWPORT = {"width": 1400, "height": 1000}  # wide layout: sidebar plus two chart columns


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def require_browser() -> None:
    """Skip locally, fail under CI, when Playwright or Chromium is missing."""
    reason = missing_browser_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests need a browser: {reason}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(base_url: str, proc: subprocess.Popen, log_path: Path) -> None:
    """Poll /_stcore/health until it answers "ok"; fail if the server dies or stalls."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"streamlit exited with code {proc.returncode} before it was healthy:\n"
                + log_path.read_text(errors="replace")[-3000:],
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.25)
    pytest.fail(
        f"streamlit not healthy after {SERVER_START_TIMEOUT_S:.0f}s:\n"
        + log_path.read_text(errors="replace")[-3000:],
        pytrace=False,
    )


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=SERVER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=SERVER_STOP_TIMEOUT_S)
    except ProcessLookupError:
        pass  # already gone


def start_server(log_path: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run streamlit_app.py` on a free port, logging to `log_path`, with
    `env` added to this process's environment.

    Returns the process (leader of its own group, for `stop_server`) and its base URL
    once the server is healthy; a server that never gets healthy is stopped first.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: teardown kills all of it
            env={**os.environ, **(env or {})},
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base_url, proc, log_path)
    except BaseException:  # pytest.fail raises a BaseException
        stop_server(proc)
        raise
    return proc, base_url


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of a Streamlit server running the app from the repo root."""
    require_browser()
    proc, base_url = start_server(ARTIFACTS / "streamlit-server.log")
    try:
        yield base_url
    finally:
        stop_server(proc)


@pytest.fixture
def start_app() -> Iterator[Callable[[str], str]]:
    """Factory: `start_app(name)` starts one more server of the app (its own process,
    so its own caches; log in test-artifacts/<name>.log) and returns its base URL.
    Every server it started is stopped when the test ends."""
    require_browser()
    procs: list[subprocess.Popen] = []

    def start(name: str) -> str:
        proc, base_url = start_server(ARTIFACTS / f"{name}.log")
        procs.append(proc)
        return base_url

    try:
        yield start
    finally:
        for proc in procs:
            stop_server(proc)


@pytest.fixture
def launch() -> Iterator[Callable[..., tuple[subprocess.Popen, str, Path]]]:
    """Factory: `launch(name, env=None)` starts one more server with `env` added to its
    environment and returns (process, base URL, log path): for tests that signal the
    process themselves. Every server still running when the test ends is stopped."""
    require_browser()
    procs: list[subprocess.Popen] = []

    def start(name: str, env: dict[str, str] | None = None):
        log_path = ARTIFACTS / f"{name}.log"
        proc, base_url = start_server(log_path, env)
        procs.append(proc)
        return proc, base_url, log_path

    try:
        yield start
    finally:
        for proc in procs:
            stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless system Chromium driven by Playwright (sync API)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def watch_errors(pg) -> list[str]:
    """Record every console error and uncaught exception of page `pg` in a list, also
    kept as `pg.console_errors` (tests may check it mid-way); nothing is ignored."""
    errors: list[str] = []
    pg.on(
        "console",
        lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
    )
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.console_errors = errors
    return errors


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page; the test fails if the browser logs any error while it runs."""
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    errors = watch_errors(pg)
    try:
        yield pg
        assert not errors, "browser logged errors:\n" + "\n".join(errors)
    finally:
        context.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[[], object]]:
    """Factory: `new_page()` opens a page in a browser context of its own (its own
    cookies and storage, so its own Streamlit session). The test fails if any of
    these pages logs an error while it runs."""
    opened: list[tuple[object, object]] = []  # (context, page)

    def open_page() -> object:
        context = browser.new_context(viewport=VIEWPORT)
        pg = context.new_page()
        watch_errors(pg)
        opened.append((context, pg))
        return pg

    try:
        yield open_page
        errors = [f"page {i}: {e}" for i, (_, pg) in enumerate(opened) for e in pg.console_errors]
        assert not errors, "browser logged errors:\n" + "\n".join(errors)
    finally:
        for context, _ in opened:
            context.close()
