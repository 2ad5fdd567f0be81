"""`embudo demo` (what `make demo` runs) ends serving the dashboard at the URL it prints."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def printed_url(process: subprocess.Popen[str]) -> str:
    """The dashboard's URL from the demo's output (the demo prints its summary first)."""
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"dashboard on (http://\S+/)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"no dashboard URL printed; exit code {process.wait()}")


def fetch(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_demo_ends_serving_the_dashboard(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "embudo", "demo", "--contacts", "60", "--seed", "2"]
    command += ["--port", str(free_port()), "--db", f"sqlite:///{tmp_path / 'demo.db'}"]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "120"}
    with subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
    ) as process:
        try:
            html = fetch(printed_url(process))
            assert "<h1>Overview</h1>" in html and "data-chart=" in html
        finally:
            process.terminate()
            process.wait(timeout=30)
