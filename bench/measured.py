"""What a benchmark figure was measured on: the commit, for the JSON lines it appends."""

from __future__ import annotations

import subprocess


def measured_commit() -> str:
    """The commit measured, `+dirty` when src/ has uncommitted changes."""
    head = _git("rev-parse", "--short", "HEAD").strip() or "unknown"
    return f"{head}+dirty" if _git("status", "--porcelain", "--", "src").strip() else head


def _git(*arguments: str) -> str:
    done = subprocess.run(["git", *arguments], capture_output=True, text=True, check=False)
    return done.stdout
