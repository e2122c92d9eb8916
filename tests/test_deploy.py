"""deploy/: the nginx configuration serve.sh renders (tests/e2e/test_replicas.py runs it).

Fast: `serve.sh --config` only prints the configuration; nginx, when installed, checks
its syntax (`nginx -t`) in a temporary prefix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "deploy" / "serve.sh"


def render(*args: str, run_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHON=sys.executable)
    if run_dir is not None:
        env["RUN_DIR"] = str(run_dir)
    return subprocess.run(
        ["bash", str(SERVE), "--config", *args], capture_output=True, text=True, env=env
    )


def location(conf: str, path: str) -> str:
    """The body of `location <path> { ... }` (no nested blocks in ours)."""
    match = re.search(rf"location\s+(=\s+)?{re.escape(path)}\s*\{{([^}}]*)\}}", conf)
    assert match, f"no location {path}"
    return match.group(2)


def test_config_balances_n_replicas_on_consecutive_loopback_ports():
    conf = render("3", "9000").stdout
    servers = re.findall(r"^\s*server\s+([\d.]+:\d+)\s", conf, re.M)
    assert servers == ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    assert re.search(r"^\s*listen 127\.0\.0\.1:9000;", conf, re.M)  # loopback unless told
    assert re.search(r"^\s*listen 0\.0\.0\.0:80;", render("1", "80", "0.0.0.0").stdout, re.M)
    assert "@" not in re.sub(r"#.*", "", conf)  # every placeholder filled


def test_config_is_sticky_upgrades_the_websocket_and_keeps_the_upload_limit():
    conf = render("2", "9000").stdout
    assert re.search(r"hash \$route consistent;", conf)
    assert "$cookie_playground_route" in conf
    stream = location(conf, "/_stcore/stream")
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    read_timeout = re.search(r"proxy_read_timeout (\d+)s;", stream)
    assert read_timeout and int(read_timeout.group(1)) >= 3600
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        max_mb = tomllib.load(f)["server"]["maxUploadSize"]
    assert f"client_max_body_size {max_mb + 1}m;" in conf  # Streamlit's limit refuses first


def test_serve_refuses_a_bad_number_of_replicas():
    result = subprocess.run(["bash", str(SERVE), "0", "9000"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "N must be a positive number" in result.stderr


@pytest.mark.skipif(
    not shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"),
    reason="nginx is not installed",
)
def test_nginx_accepts_the_config(tmp_path):
    nginx = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    (tmp_path / "temp").mkdir()
    (tmp_path / "nginx.conf").write_text(render("2", "9000", run_dir=tmp_path).stdout)
    result = subprocess.run(
        [nginx, "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-t", "-q",
         "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
