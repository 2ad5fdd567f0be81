"""Running the real `embudo` command line in a folder, as a user would.

`embudo` runs the console script's own `main()` in this process, with its
own arguments, working folder, environment and standard streams (Typer's
test isolation, which also answers its prompts from `stdin`): a new Python
interpreter per command cost about two seconds, most of the CLI tests' time.
What `main()` lets escape is raised here — in a terminal it would have been
a traceback and exit code 1 — so the test fails on it.

What only a new interpreter shows — `python -m embudo` as the entry point,
its exit status, one line and no traceback for a store that cannot be used —
is tested in `tests/store/test_db_command.py`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typer.testing import CliRunner

from embudo.cli.app import main


def embudo(
    cwd: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `embudo ARGS` in `cwd` (with `env` added to the environment) in this process."""
    with CliRunner().isolation(input=stdin, env=env) as (out, err, _), _command(cwd, args):
        code = _exit_code()
        printed, complained = out.getvalue().decode(), err.getvalue().decode()
    return subprocess.CompletedProcess(["embudo", *args], code, printed, complained)


@contextmanager
def _command(cwd: Path, args: tuple[str, ...]) -> Iterator[None]:
    """`sys.argv` and the working folder of one command, put back afterwards."""
    argv, folder = sys.argv, Path.cwd()
    sys.argv = ["embudo", *args]
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(folder)
        sys.argv = argv


def _exit_code() -> int:
    """The exit status `main()` ends with, as the shell would see it."""
    try:
        main()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        sys.stderr.write(f"{done.code}\n")
        return 1
    return 0
