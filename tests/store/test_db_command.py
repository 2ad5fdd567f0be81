"""`embudo db upgrade` and `embudo db status`, run as a user runs them: a real process."""

from __future__ import annotations

import os
import subprocess
import sys

from embudo.store import schema

HEAD = schema.head_revision()


def _embudo(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EMBUDO_")}
    return subprocess.run(
        [sys.executable, "-m", "embudo", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def test_upgrade_creates_the_database_and_reports_its_revision(empty_store_url: str) -> None:
    done = _embudo("db", "upgrade", "--db", empty_store_url)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"database {schema.hide_password(empty_store_url)} at revision {HEAD}\n"


def test_status_of_a_migrated_database_exits_0(store_url: str) -> None:
    done = _embudo("db", "status", "--db", store_url)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[1:] == [
        f"  current: {HEAD}",
        f"  head:    {HEAD}",
        "  up to date",
    ]


def test_status_of_an_empty_database_exits_1_and_says_what_to_run(empty_store_url: str) -> None:
    shown = schema.hide_password(empty_store_url)
    done = _embudo("db", "status", "--db", empty_store_url)
    assert (done.returncode, done.stderr) == (1, "")
    lines = done.stdout.splitlines()
    assert lines[0] == f"database {shown}"
    assert lines[1].startswith("  current: nothing")
    assert lines[2:] == [f"  head:    {HEAD}", f"  behind — run: embudo db upgrade --db {shown}"]


def test_status_of_an_unreachable_database_exits_1_with_one_line() -> None:
    done = _embudo("db", "status", "--db", "postgresql+psycopg://root:secret@127.0.0.1:1/test")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "error: cannot reach the database at postgresql+psycopg://root:***@127.0.0.1:1/test:"
        " Connection refused — check --db or EMBUDO_DATABASE_URL\n"
    )
