"""Two replicas behind nginx (issue 24): `deploy/serve.sh 2 PORT` on loopback ports, two
Chromium pages through it, each pinned to its own replica, a replica killed mid-room, and
a clean stop.

nginx pins a browser by its `playground_route` cookie (deploy/nginx.conf.template): the
test learns which replica a route hashes to from the `X-Upstream` header nginx adds, and
gives each browser context a route on a different replica. Every request nginx relays is
in its access log with its route and replica, a websocket's line written when it closes;
Playwright counts the websockets each page opens (one: no reconnect).

Without nginx the tests skip, except under CI (env var `CI` set), where they fail.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO_ROOT, free_port, require_browser
from test_browser import CHARTS, assert_healthy, settle, url_params
from test_controls_browser import press_end

pytestmark = pytest.mark.e2e

SERVE = REPO_ROOT / "deploy" / "serve.sh"
START_TIMEOUT_S = 150.0  # two cold replicas import torch and run the page on a busy box
STOP_WITHIN_S = 20.0  # serve.sh gives each replica 15 s before SIGKILL
COOKIE = "playground_route"
# A small link of its own: each replica trains it for its page (a few seconds).
LINK = "/?lang=en&hidden_size=12&epochs=30&n_points=120"
EN = json.loads((REPO_ROOT / "playground" / "locales" / "en.json").read_text(encoding="utf-8"))
TAB_TIMEOUT_MS = 120_000  # a tab's three trainings on a busy box
ROUTES = itertools.count()  # route cookies the tests try, each used once
REDRAW_BYTES = 20_000  # a websocket that carried the page's charts sent more
# The browser's own lines while its replica is gone: failed loads and socket errors.
CONNECTION_ERROR = re.compile(
    r"WebSocket|Failed to load resource|net::ERR_|status 502|Connection failed|/_stcore/health"
)


def nginx_path() -> str | None:
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin:/sbin"
    return shutil.which("nginx", path=path)


def require_nginx() -> str:
    """nginx's path; skip locally, fail under CI, when it is missing."""
    nginx = nginx_path()
    if nginx:
        return nginx
    if os.environ.get("CI"):
        pytest.fail("the replica tests cannot run under CI: no nginx", pytrace=False)
    pytest.skip("the replica tests need nginx (apt-get install -y nginx)")


def free_port_pair(avoid: int) -> int:
    """A port p such that p and p + 1 are free on 127.0.0.1 (neither `avoid`)."""
    for _ in range(50):
        port = free_port()
        if avoid in (port, port + 1):
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Room:
    """A running `deploy/serve.sh 2 PORT`."""

    proc: subprocess.Popen
    url: str
    port: int
    replica_ports: list[int]
    run_dir: Path

    def replica_pids(self) -> dict[int, int]:
        """Replica port -> pid, from serve.sh's RUN_DIR/replicas."""
        rows = (self.run_dir / "replicas").read_text().split("\n")
        return {int(r.split()[5]): int(r.split()[3]) for r in rows if r.strip()}

    def upstream_of(self, route: str) -> int:
        """The replica port nginx sends a browser with this route cookie to."""
        request = urllib.request.Request(self.url + "/", headers={"Cookie": f"{COOKIE}={route}"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            return int(resp.headers["X-Upstream"].rsplit(":", 1)[1])

    def route_to(self, port: int) -> str:
        """A new route cookie (never used before) nginx pins to the replica on `port`."""
        for _ in range(200):
            route = f"test{next(ROUTES)}"
            if self.upstream_of(route) == port:
                return route
        raise AssertionError(f"no route of 200 hashes to replica {port}")

    def access_log(self, route: str) -> list[tuple[str, str]]:
        """(request line, upstream addresses) of every request nginx logged for `route`."""
        return [(request, upstream) for request, _, upstream in self.streams(route, all=True)]

    def streams(self, route: str, all: bool = False) -> list[tuple[str, int, str]]:
        """(request line, bytes sent to the browser, upstream addresses) of each websocket
        nginx relayed for `route`, in the order they closed (`all`: every request)."""
        lines = (self.run_dir / "access.log").read_text(errors="replace").splitlines()
        pattern = re.compile(rf'"([^"]*)" \d+ (\d+) route={re.escape(route)} upstream=(.*) time=')
        rows = [(r, int(n), u) for r, n, u in (m.groups() for m in map(pattern.search, lines) if m)]
        return [row for row in rows if all or "/_stcore/stream" in row[0]]

    def log(self) -> str:
        return (self.run_dir / "serve.out").read_text(errors="replace")[-3000:]


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM serve.sh's whole group, SIGKILL it if it lingers (teardown only)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=STOP_WITHIN_S)
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return


@pytest.fixture(scope="module")
def room(tmp_path_factory) -> Iterator[Room]:
    """`deploy/serve.sh 2 PORT` with both replicas woken and nginx listening."""
    require_browser()
    nginx = require_nginx()
    run_dir = tmp_path_factory.mktemp("serve")
    port = free_port()
    first = free_port_pair(avoid=port)
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "NGINX": nginx,
        "RUN_DIR": str(run_dir),
        "REPLICA_PORT": str(first),
        "PLAYGROUND_WARM_UP": "0",
    }
    with open(run_dir / "serve.out", "wb") as out:
        proc = subprocess.Popen(
            ["bash", str(SERVE), "2", str(port)],
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own group: the stop test checks it is empty
        )
    room = Room(proc, f"http://127.0.0.1:{port}", port, [first, first + 1], run_dir)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "nginx: pid" not in room.log() or not listening(port):
            assert proc.poll() is None, f"serve.sh exited {proc.returncode}:\n{room.log()}"
            assert time.monotonic() < deadline, (
                f"not serving after {START_TIMEOUT_S}s:\n{room.log()}"
            )
            time.sleep(0.25)
        yield room
    finally:
        stop_group(proc)


def count_websockets(page) -> list[str]:
    """URLs of the websockets `page` opens from now on (a list that grows)."""
    opened: list[str] = []
    page.on("websocket", lambda ws: opened.append(ws.url))
    return opened


def open_pinned(new_page, room: Room, port: int, link: str = "/"):
    """A page in a context of its own whose route cookie pins it to replica `port`;
    returns (page, route, its websockets, the HTML response's replica port)."""
    route = room.route_to(port)
    page = new_page()
    page.context.add_cookies([{"name": COOKIE, "value": route, "url": room.url}])
    sockets = count_websockets(page)
    response = page.goto(room.url + link)
    return page, route, sockets, int(response.headers["x-upstream"].rsplit(":", 1)[1])


def test_two_pages_draw_each_on_its_own_replica(room, new_page):
    # A browser without a route gets one from nginx, and keeps it.
    fresh = new_page()
    fresh_sockets = count_websockets(fresh)
    first = int(fresh.goto(room.url + "/").headers["x-upstream"].rsplit(":", 1)[1])
    settle(fresh)
    (cookie,) = [c for c in fresh.context.cookies() if c["name"] == COOKIE]
    assert room.upstream_of(cookie["value"]) == first
    # A second browser pinned to the other replica.
    other = next(p for p in room.replica_ports if p != first)
    page, route, sockets, served_by = open_pinned(new_page, room, other)
    assert served_by == other
    settle(page)
    for pg in (fresh, page):
        assert_healthy(pg)
    assert len(fresh_sockets) == len(sockets) == 1, (fresh_sockets, sockets)
    # Closing the pages closes their websockets: nginx logs each on its replica, once.
    fresh.context.close()
    page.context.close()
    time.sleep(1.0)
    for r, port in ((cookie["value"], first), (route, other)):
        log = room.access_log(r)
        assert [u for _, _, u in room.streams(r)] == [f"127.0.0.1:{port}"], (r, log)
        assert {upstream for _, upstream in log} == {f"127.0.0.1:{port}"}, (r, log)


def test_every_replica_runs_with_the_allocator_setting(room):
    # deploy/serve.sh gives the replicas glibc's mmap threshold (docs/DEPLOY.md, Memory).
    for pid in room.replica_pids().values():
        env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert b"MALLOC_MMAP_THRESHOLD_=131072" in env, pid


def test_a_killed_replicas_page_reconnects_to_the_other_and_redraws(room, new_page):
    """A replica dies mid-room (SIGKILL). Its page reconnects through nginx to the other
    replica and stays drawn (Streamlit resumes a session without a rerun); its next change
    is computed there and draws what the same change draws on the page that never moved;
    a reload draws its link there. The other page keeps its one websocket throughout."""
    alive = [p for p in room.replica_ports if listening(p)]
    assert len(alive) == 2
    victim, survivor = alive
    a, route_a, sockets_a, _ = open_pinned(new_page, room, victim, LINK)
    b, route_b, sockets_b, _ = open_pinned(new_page, room, survivor, LINK)
    drawn_a, drawn_b = settle(a), settle(b)
    assert drawn_a == drawn_b  # the same link draws the same numbers on either replica

    os.kill(room.replica_pids()[victim], signal.SIGKILL)  # a crash, mid-room
    deadline = time.monotonic() + 60
    while len(sockets_a) < 2:
        assert time.monotonic() < deadline, "page A did not reconnect within 60 s"
        a.wait_for_timeout(250)
    assert settle(a) == drawn_a  # still drawn
    # The first click after the failover opens a tab: a full run of the page on the
    # survivor's new session for A (the tabs are no fragment, which that session never
    # ran and Streamlit would drop): it draws there as on B. Then back to the Train tab.
    for page in (a, b):
        page.get_by_role("tab", name=EN["view.forecast.title"], exact=True).click()
    for name, page in (("a", a), ("b", b)):  # its two charts: the forecasts, the horizon
        try:
            page.locator(f"{CHARTS} svg.marks").nth(1).wait_for(timeout=TAB_TIMEOUT_MS)
        finally:
            page.screenshot(path=str(REPO_ROOT / "test-artifacts" / f"failover-tab-{name}.png"))
    for page in (a, b):
        page.get_by_role("tab", name=EN["view.train.title"], exact=True).click()
    assert settle(a) == drawn_a and settle(b) == drawn_b
    press_end(a, "noise")
    press_end(b, "noise")
    changed_a, changed_b = settle(a, drawn_a), settle(b, drawn_b)
    assert changed_a == changed_b  # computed by the survivor, for both
    assert url_params(a) == url_params(b) and url_params(a)["noise"] == ["1.0"]
    a.reload()  # a fresh session from the link, on the survivor
    assert settle(a) == changed_a
    # The outage left only connection errors in A's console; B saw nothing of it.
    assert all(CONNECTION_ERROR.search(e) for e in a.console_errors), a.console_errors
    a.console_errors.clear()
    assert_healthy(a)
    assert_healthy(b)
    assert len(sockets_a) == 3 and len(sockets_b) == 1, (sockets_a, sockets_b)
    a.context.close()
    b.context.close()
    time.sleep(1.0)
    # A's first websocket was on the victim; the next two (whatever nginx tried on the
    # way) on the survivor, the reconnected one carrying the change's charts.
    streams_a, streams_b = room.streams(route_a), room.streams(route_b)
    assert len(streams_a) == 3, streams_a
    assert streams_a[0][2] == f"127.0.0.1:{victim}", streams_a
    for _, _, upstreams in streams_a[1:]:
        assert upstreams.rsplit(", ", 1)[-1] == f"127.0.0.1:{survivor}", streams_a
    assert streams_a[1][1] > REDRAW_BYTES, streams_a
    assert [u for _, _, u in streams_b] == [f"127.0.0.1:{survivor}"], streams_b


def test_sigterm_stops_nginx_and_every_replica_and_exits_0(room):
    pids = room.replica_pids()
    started = time.monotonic()
    room.proc.send_signal(signal.SIGTERM)  # serve.sh alone, as a supervisor would
    try:
        code = room.proc.wait(timeout=STOP_WITHIN_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve.sh still running {STOP_WITHIN_S:.0f} s after SIGTERM", pytrace=False)
    assert code == 0, f"exit {code} after {time.monotonic() - started:.1f} s:\n{room.log()}"
    with pytest.raises(ProcessLookupError):
        os.killpg(room.proc.pid, 0)  # nothing of its group is left: replicas, nginx, workers
    for pid in pids.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    for port in [room.port, *room.replica_ports]:
        assert not listening(port), f"port {port} still open"
    for log in [room.run_dir / "serve.out", *room.run_dir.glob("replica-*.log")]:
        assert "Traceback" not in log.read_text(errors="replace"), log
