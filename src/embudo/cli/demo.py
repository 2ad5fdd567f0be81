"""`embudo demo`: a year of a believable business, simulated through the real engine."""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Connection, Engine

from embudo.analytics.deals import StageTotal, deals_by_stage
from embudo.analytics.summary import contacts_by_channel, contacts_by_stage
from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.serve import run_server
from embudo.cli.store import clock, migrate, opened
from embudo.demo.run import DemoPlan, DemoSummary, run_demo
from embudo.domain.errors import InvalidInput
from embudo.domain.spec import FunnelSpec
from embudo.engine.passwords import check_password
from embudo.engine.users import add_user, set_password
from embudo.engine.workspaces import apply_spec
from embudo.io.spec_file import TEMPLATES, parse_spec, template_text
from embudo.store.users import find_user
from embudo.store.workspaces import open_workspace

MONTHS = 12
DEMO_USER = "demo@embudo.local"


@app.command()
def demo(
    template: Annotated[
        str, typer.Option("--template", "-t", help=f"One of: {', '.join(TEMPLATES)}")
    ] = "b2b-saas",
    contacts: Annotated[int, typer.Option(help="Visitors to simulate (at least 1)")] = 5000,
    seed: Annotated[int, typer.Option(help="Same seed, same year")] = 1,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Print the summary and stop (no dashboard)")
    ] = False,
    password: Annotated[
        str | None,
        typer.Option(help=f"The password of {DEMO_USER} (default: a new random one)"),
    ] = None,
    host: Annotated[str, typer.Option(help="Where to serve the dashboard")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The dashboard's port")] = 8000,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Simulate 12 months of the whole cycle: visitors, leads, MQLs, the hand-off, deals.

    Everything goes through the engine as Segment messages and sales commands
    (answers to MQLs, calls, deals opened, moved, won and lost), deterministic
    per seed; then contacts per lifecycle stage and per channel, and deals per
    pipeline stage with their value, are printed; then the dashboard is served
    on the demo workspace (unless --no-serve), where demo@embudo.local signs
    in, an admin, with the password printed.
    """
    if contacts < 1:
        raise InvalidInput(f"--contacts {contacts}: simulate at least 1 contact")
    if password is not None:
        check_password(password)
    chosen = settings(db, workspace)
    loaded = parse_spec(template_text(template), f"{template}.yaml")
    migrate(chosen)
    now = clock()
    with opened(chosen) as engine:
        with engine.begin() as conn:
            apply_spec(conn, chosen.workspace, loaded.document, loaded.source, now=now)
        plan = DemoPlan(contacts, seed, _year_before(now), MONTHS)
        started = time.perf_counter()
        summary = _simulate(engine, chosen.workspace, loaded.spec, plan, now)
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            workspace_id = open_workspace(conn, chosen.workspace).id
            stages = contacts_by_stage(conn, workspace_id)
            channels = contacts_by_channel(conn, workspace_id)
            deals = deals_by_stage(conn, workspace_id, loaded.spec)
        secret = password or secrets.token_urlsafe(9)
        with engine.begin() as conn:
            _demo_user(conn, workspace_id, secret, now)
    _print(loaded.spec, summary, stages, channels, seconds)
    _print_sales(summary, deals)
    typer.echo(f"sign in as {DEMO_USER} with the password {secret}")
    if not no_serve:
        run_server(chosen, host, port)


def _demo_user(conn: Connection, workspace_id: int, password: str, now: datetime) -> None:
    """The demo's admin, with `password` (set again when the demo runs on the same store)."""
    if find_user(conn, workspace_id, DEMO_USER) is None:
        add_user(
            conn,
            workspace_id,
            DEMO_USER,
            name="Demo",
            team="marketing",
            role="admin",
            password=password,
            now=now,
        )
    else:
        set_password(conn, workspace_id, DEMO_USER, password)


def _year_before(now: datetime) -> datetime:
    """The first day of the month twelve months ago: the demo's year ends this month."""
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.replace(year=first.year - 1)


def _simulate(
    engine: Engine, workspace: str, spec: FunnelSpec, plan: DemoPlan, now: datetime
) -> DemoSummary:
    progress = Progress(
        SpinnerColumn(),
        TextColumn("simulating"),
        TextColumn("{task.completed:,.0f} messages"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task("demo", total=None)
        return run_demo(
            engine, workspace, spec, plan, now=now, progress=lambda n: progress.advance(task, n)
        )


def _print(
    spec: FunnelSpec,
    summary: DemoSummary,
    stages: dict[str, int],
    channels: dict[str, int],
    seconds: float,
) -> None:
    console = Console()
    done = summary.ingested
    console.print(
        f"demo: {done.accepted:,} messages applied ({done.duplicates:,} duplicates, "
        f"{done.rejected:,} rejected), {summary.moves:,} sales moves "
        f"({summary.refusals:,} refused) in {seconds:.1f} s"
    )
    by_stage = Table("stage", "team", "contacts", title="Contacts per lifecycle stage")
    for stage in spec.lifecycle.stages:
        by_stage.add_row(stage.key, stage.team.value, f"{stages.get(stage.key, 0):,}")
    console.print(by_stage)
    by_channel = Table("first-touch channel", "contacts", title="Contacts per channel")
    for channel, count in channels.items():
        by_channel.add_row(channel, f"{count:,}")
    console.print(by_channel)


def _print_sales(summary: DemoSummary, deals: list[StageTotal]) -> None:
    """The sales side: what sales did, the SLA breaches, deals per pipeline stage."""
    console = Console()
    if summary.replayed:
        console.print("sales: this seed was played here before — no sales move applied again")
    else:
        console.print(f"sales: {summary.reps} reps added; " + _by_kind(summary))
    console.print(f"first-touch SLA breaches: {summary.breaches:,}")
    table = Table("pipeline", "stage", "kind", "deals", "value", title="Deals per pipeline stage")
    for row in deals:
        value = f"{row.value:,.2f} {row.currency}"
        table.add_row(row.pipeline, row.stage, row.kind, f"{row.deals:,}", value)
    console.print(table)


def _by_kind(summary: DemoSummary) -> str:
    kinds = sorted({*summary.applied, *summary.refused})
    return ", ".join(
        f"{kind} {summary.applied[kind]:,}"
        + (f" ({summary.refused[kind]:,} refused)" if summary.refused[kind] else "")
        for kind in kinds
    )
