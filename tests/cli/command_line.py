"""Running the real `embudo` command line in a folder, as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def embudo(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m embudo ARGS` in `cwd`; the exit code is the caller's to check."""
    return subprocess.run(
        [sys.executable, "-m", "embudo", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
