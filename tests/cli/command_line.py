"""Running the real `embudo` command line in a folder, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def embudo(
    cwd: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m embudo ARGS` in `cwd` (with `env` added to the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "embudo", *args],
        cwd=cwd,
        input=stdin,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
