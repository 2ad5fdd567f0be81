"""A server process on a loopback port, for the HTTP benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

START_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    command: list[str], port: int, environment: Mapping[str, str] | None = None
) -> Iterator[int]:
    """`command` in a process of its own, from when `port` answers until the block ends;
    its process id."""
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    try:
        _wait_for(port, command[0])
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def _wait_for(port: int, name: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{name} did not answer on port {port} within {START_SECONDS} s")


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) used so far by process `pid` and its descendants that are
    still running (Linux `/proc`): a server's workers, whatever the machine's load."""
    children: dict[int, list[int]] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        process = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(process)
        used[process] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        process = pending.pop()
        total += used.get(process, 0.0)
        pending += children.get(process, [])
    return total
