"""What the check scripts share: run `embudo`, read what it stores, compare figure by figure.

A check script computes the figures a user would check straight from the
CSVs (plain Python, csv module), imports the same files with `embudo import`
into a temporary SQLite database, reads back what embudo stores (its CLI, and
read-only SQL on the history), and prints one line per figure: the source's,
embudo's, and whether they agree. Exit 0 when all agree, 1 otherwise.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
HEALTH = (
    "open_deals",
    "won_deals",
    "lost_deals",
    "win_rate",
    "win_rate_value",
    "avg_deal_size",
    "avg_days_to_close",
    "velocity_per_day",
)
Figures = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Check:
    """One figure: its name, how to read it from the source's and from embudo's figures."""

    name: str
    source: Callable[[Figures], Any]
    embudo: Callable[[Figures], Any]


def embudo(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the `embudo` of this checkout (`python -m embudo`)."""
    return subprocess.run(
        [sys.executable, "-m", "embudo", *args], capture_output=True, text=True, check=False
    )


@contextmanager
def imported(preset: str, folder: Path) -> Iterator[tuple[str, Path, float]]:
    """A temporary SQLite database with `folder` imported: (URL, file, seconds the import took)."""
    with tempfile.TemporaryDirectory() as temporary:
        path = Path(temporary) / f"{preset}.db"
        url = f"sqlite:///{path}"
        started = time.perf_counter()
        done = embudo("import", "--preset", preset, str(folder), "--db", url)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"embudo import failed ({done.returncode}):\n{done.stderr}")
        print(done.stdout.strip())
        print(done.stderr.strip())
        yield url, path, seconds


def rows_of(*args: str) -> list[dict[str, Any]]:
    """The JSON rows an embudo list command prints (`--format json`)."""
    done = embudo(*args, "--format", "json")
    if done.returncode != 0:
        sys.exit(f"embudo {' '.join(args)} failed:\n{done.stderr}")
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read-only SQL on the stored history (what no CLI command prints yet)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return list(conn.execute(sql))


def health(url: str, workspace: str) -> Figures | None:
    """`embudo report health --format json`'s one row, or None when the command is missing."""
    done = embudo("report", "health", "--format", "json", "--db", url, "-w", workspace)
    if done.returncode != 0:
        print(
            f"embudo report health: missing or failed here (exit {done.returncode}): "
            f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}"
        )
        return None
    rows: list[Figures] = json.loads(done.stdout)["rows"]
    return rows[0] if rows else {}


def compare(checks: list[Check], source: Figures, stored: Figures) -> bool:
    """Print each figure side by side; True when every one agrees."""
    agree = True
    print(f"\n{'figure':<44} {'source (CSV)':>22} {'embudo':>22}")
    for check in checks:
        expected, actual = check.source(source), check.embudo(stored)
        same = _same(expected, actual)
        agree &= same
        verdict = "ok" if same else "DIFFERS"
        print(f"{check.name:<44} {_show(expected):>22} {_show(actual):>22}  {verdict}")
    return agree


def health_checks(expected: Figures) -> list[Check]:
    """One check per health column the source gives, against the report's row."""
    return [_health_check(column) for column in HEALTH if column in expected]


def _health_check(column: str) -> Check:
    name = f"report health: {column}"
    return Check(name, lambda s: s["health"][column], lambda e: e["health"].get(column))


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict) and isinstance(actual, dict):
        keys = expected.keys() | actual.keys()
        return all(_same(expected.get(key), actual.get(key)) for key in keys)
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(float(expected) - float(actual)) <= 1e-6 * max(1.0, abs(float(expected)))
    return bool(expected == actual)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dict):
        return f"{len(value)} groups"
    return str(value)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def print_groups(title: str, figures: dict[str, Any]) -> None:
    """A grouped figure in full (per channel, per owner, per stage)."""
    print(f"\n{title}")
    for key, value in sorted(figures.items(), key=lambda item: str(item[0])):
        print(f"  {key!s:<40} {_show(value):>22}")
