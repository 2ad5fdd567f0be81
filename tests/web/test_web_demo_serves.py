"""`embudo demo` (what `make demo` runs) ends serving the dashboard at the URL it prints,
where the demo user signs in with the password it prints."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def printed_access(process: subprocess.Popen[str]) -> tuple[str, str, str]:
    """The credentials and the dashboard's URL from the demo's output, in the order printed."""
    assert process.stdout is not None
    credentials = None
    for line in process.stdout:
        said = re.search(r"sign in as (\S+) with the password (\S+)", line)
        if said:
            credentials = said.group(1), said.group(2)
        found = re.search(r"dashboard on (http://\S+/)", line)
        if found and credentials:
            return *credentials, found.group(1)
    raise AssertionError(f"no dashboard URL or password printed; exit code {process.wait()}")


def sign_in_and_fetch(url: str, email: str, password: str) -> str:
    """Post the sign-in form once the server answers; the overview it leads to."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urllib.parse.urlencode({"email": email, "password": password, "next": "/"}).encode()
    request = urllib.request.Request(
        f"{url}sign-in", data=form, headers={"Origin": url.rstrip("/")}
    )
    wait_until_it_answers(url)
    with browser.open(request, timeout=120) as response:
        return str(response.read().decode("utf-8"))


def wait_until_it_answers(url: str) -> None:
    """Until the server accepts connections (the sign-in page needs no session)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}sign-in", timeout=60):
                return
        except (ConnectionError, urllib.error.URLError):
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
            email, password, url = printed_access(process)
            assert email == "demo@embudo.local"
            html = sign_in_and_fetch(url, email, password)
            assert "<h1>Overview</h1>" in html and "data-chart=" in html
        finally:
            process.terminate()
            process.wait(timeout=30)
