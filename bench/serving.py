"""A server process on a loopback port, for the HTTP benchmarks."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

START_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    command: list[str], port: int, environment: Mapping[str, str] | None = None
) -> Iterator[None]:
    """`command` in a process of its own, from when `port` answers until the block ends."""
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    try:
        _wait_for(port, command[0])
        yield
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
