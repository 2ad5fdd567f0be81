"""`embudo ingest`, `deadletters`, `rescore`: events in, rejected ones kept, scores refreshed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.store import clock, in_workspace, opened, reading_workspace
from embudo.domain.errors import InvalidInput
from embudo.engine.ingest import IngestSummary, ingest
from embudo.engine.intake import Incoming, read_line
from embudo.engine.rescore import rescore
from embudo.store.deadletters import recent_dead_letters

EXIT_SOME_REJECTED = 3
"""Exit code when the input was applied but some messages were rejected to dead letters."""

console = Console(stderr=True)


@app.command("ingest")
def ingest_command(
    source: Annotated[str, typer.Argument(help="A JSON-lines file of Segment messages, or -")],
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Apply Segment messages (one JSON object a line, or {"batch": [...]}) to the funnel.

    Exit 0 when every message was applied or was a duplicate, 3 when some were
    rejected (kept in dead letters: see `embudo deadletters`), 1 on an error.
    """
    chosen = settings(db, workspace)
    with opened(chosen) as engine, _progress() as progress:
        task = progress.add_task("ingesting", total=None)
        with _open(source) as stream:
            summary = ingest(
                engine,
                chosen.workspace,
                _messages(stream, _name(source)),
                now=clock(),
                progress=lambda done: progress.advance(task, done),
            )
    _report(summary)
    if summary.rejected:
        raise typer.Exit(EXIT_SOME_REJECTED)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f} messages"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@contextmanager
def _open(source: str) -> Iterator[TextIO]:
    """The file named, or standard input for `-`."""
    if source == "-":
        yield sys.stdin
        return
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file — give a JSON-lines file or - for stdin")
    with path.open(encoding="utf-8") as stream:
        yield stream


def _name(source: str) -> str:
    return "stdin" if source == "-" else Path(source).name


def _messages(stream: TextIO, name: str) -> Iterator[Incoming]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield from read_line(f"{name}:{number}", line)


def _report(summary: IngestSummary) -> None:
    typer.echo(
        f"accepted {summary.accepted:,}, duplicates {summary.duplicates:,}, "
        f"rejected {summary.rejected:,}"
    )
    if summary.rejected:
        typer.echo("rejected messages are kept: see `embudo deadletters`", err=True)


@app.command()
def deadletters(
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first")] = 20,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List rejected messages with where they came from and why."""
    with reading_workspace(db, workspace) as (conn, found):
        letters = recent_dead_letters(conn, found.id, limit)
    table = Table("id", "received", "source", "reason", "payload")
    for letter in letters:
        received = f"{letter.received_at:%Y-%m-%d %H:%M}"
        table.add_row(str(letter.id), received, letter.source, letter.reason, letter.payload[:60])
    Console().print(table)


@app.command("rescore")
def rescore_command(db: DbOption = None, workspace: WorkspaceOption = None) -> None:
    """Recompute every contact's score as of now (engagement decays with time)."""
    with in_workspace(db, workspace) as (conn, found):
        updated = rescore(conn, found.id, clock())
    typer.echo(f"rescored {updated:,} contacts")
