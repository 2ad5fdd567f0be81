"""`embudo import --preset olist|maven PATH...`: real exports in, through the engine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.store import clock, migrate, opened
from embudo.io.presets import PRESETS, plan_import
from embudo.io.presets.plan import ImportPlan, ImportSummary, run_import
from embudo.io.presets.quirks import QuirkLog

EXIT_SOME_REFUSED = 3
"""Exit code when the import was applied but some messages or deal steps were refused."""

console = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command("import")
def import_command(
    paths: Annotated[
        list[Path], typer.Argument(help="The preset's files, or the folder holding them")
    ],
    preset: Annotated[str, typer.Option(help=f"One of: {', '.join(PRESETS)}")],
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Import a known export (Olist marketing funnel, Maven CRM opportunities) through the engine.

    A new workspace gets the preset's funnel definition. Running it again
    changes nothing. Odd rows become warnings (counted per kind, first rows
    shown), never a crash. Exit 0 when imported, 3 when some messages or deal
    steps were refused (each a warning, the rest applied), 1 when a file, a
    column or the workspace is not usable (nothing written).
    """
    plan = plan_import(preset, paths)
    chosen = settings(db, workspace)
    migrate(chosen)
    started = time.perf_counter()
    with opened(chosen) as engine, _progress() as progress:
        task = progress.add_task(f"importing {preset}", total=plan.size)
        summary = run_import(
            engine,
            chosen.workspace,
            plan,
            now=clock(),
            progress=lambda done: progress.advance(task, done),
        )
    _report(plan, summary, time.perf_counter() - started)
    if summary.ingested.rejected or summary.refused:
        raise typer.Exit(EXIT_SOME_REFUSED)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _report(plan: ImportPlan, summary: ImportSummary, seconds: float) -> None:
    done = summary.ingested
    typer.echo(
        f"{plan.preset}: messages accepted {done.accepted:,}, duplicates {done.duplicates:,}, "
        f"rejected {done.rejected:,}; users added {summary.users_added:,}; deals opened "
        f"{summary.opened:,}, won {summary.won:,}, lost {summary.lost:,}, already imported "
        f"{summary.already_imported:,}, refused {summary.refused:,} in {seconds:.1f} s"
    )
    _warnings(plan.quirks)
    if done.rejected:
        typer.echo("rejected messages are kept: see `embudo deadletters`", err=True)


def _warnings(quirks: QuirkLog) -> None:
    """One line per kind of quirk with its count, then its first rows."""
    for kind in quirks.summary():
        console.print(f"warning: {kind.kind} — {kind.count:,}", markup=False)
        for quirk in kind.examples:
            console.print(f"  {quirk.where}: {quirk.detail}", markup=False)
        if kind.count > len(kind.examples):
            console.print(f"  … and {kind.count - len(kind.examples):,} more", markup=False)
