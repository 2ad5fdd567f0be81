"""`embudo apikey` and `embudo serve`, run as a user runs them: real processes.

`serve --workers 2` makes uvicorn spawn worker processes from the import
string; a request answered proves each worker built its app from the
environment the command set.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import command_line
from api_support import make_workspace
from sqlalchemy import Engine


def embudo(*args: str) -> subprocess.CompletedProcess[str]:
    return command_line.embudo(Path.cwd(), *args)


def test_apikey_create_list_revoke(store_url: str, store: Engine) -> None:
    make_workspace(store)
    created = embudo("apikey", "create", "website", "--role", "intake", "--db", store_url)
    assert created.returncode == 0, created.stderr
    secret = created.stdout.splitlines()[-1]
    assert secret.startswith("emb_")
    listed = embudo("apikey", "list", "--format", "json", "--db", store_url)
    [row] = json.loads(listed.stdout)
    assert row["name"] == "website" and row["role"] == "intake" and row["revoked_at"] is None
    assert secret not in listed.stdout
    assert embudo("apikey", "revoke", str(row["id"]), "--db", store_url).returncode == 0
    again = embudo("apikey", "revoke", "99", "--db", store_url)
    assert again.returncode == 1 and "no API key 99" in again.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(url: str, key: str) -> int:
    body = json.dumps({"type": "track", "messageId": "m1", "userId": "u1", "event": "x"})
    auth = base64.b64encode(f"{key}:".encode()).decode()
    request = urllib.request.Request(
        url, body.encode(), {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return int(response.status)


def _answer(url: str, key: str, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return _post(url, key)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("embudo serve did not answer within 30 s")


def test_serve_with_two_workers_answers(store_url: str, store: Engine, tmp_path: Path) -> None:
    make_workspace(store)
    key = embudo("apikey", "create", "site", "--db", store_url).stdout.splitlines()[-1]
    port = _free_port()
    command = ["serve", "--port", str(port), "--workers", "2", "--db", store_url]
    with subprocess.Popen([sys.executable, "-m", "embudo", *command], cwd=tmp_path) as process:
        try:
            assert _answer(f"http://127.0.0.1:{port}/v1/track", key, process) == 200
        finally:
            process.terminate()
            process.wait(timeout=20)
