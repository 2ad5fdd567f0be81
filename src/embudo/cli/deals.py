"""`embudo deal create|move|won|lost|list|show`: the sales pipeline by hand."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer
from babel.numbers import format_currency
from rich.console import Console
from rich.table import Table

from embudo.analytics.deals import DealFilter, list_deals, show_deal
from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import clock, in_workspace, reading_workspace
from embudo.domain.deals import DealSource, parse_amount, pipeline_of
from embudo.domain.errors import InvalidInput
from embudo.engine.deal_lifecycle import ContactMoved
from embudo.engine.deals import DealMoved, create_deal, lose_deal, move_deal, win_deal
from embudo.engine.rotting import check_rotting, rotted

deal_app = typer.Typer(
    name="deal", help="Deals in the sales pipelines: create, move, close.", no_args_is_help=True
)
app.add_typer(deal_app, name="deal")

DealArgument = Annotated[int, typer.Argument(help="Deal id")]
ByOption = Annotated[str, typer.Option("--by", help="Who makes the move")]


class Status(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


@deal_app.command("create")
def create(
    contact: Annotated[str, typer.Argument(help="Contact id, user id or email")],
    pipeline: Annotated[str, typer.Option("--pipeline", help="Pipeline key")],
    amount: Annotated[str, typer.Option("--amount", help="Value, e.g. 1200.50")],
    stage: Annotated[str | None, typer.Option(help="Open stage [default: the first]")] = None,
    currency: Annotated[
        str | None, typer.Option(help="ISO 4217 code [default: the pipeline's]")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Email of an active user")] = None,
    close_on: Annotated[
        str | None, typer.Option("--close-on", help="Expected close date, YYYY-MM-DD")
    ] = None,
    title: Annotated[str, typer.Option(help="What is being sold")] = "",
    referred_by: Annotated[
        str | None, typer.Option("--referred-by", help="The contact who referred this one")
    ] = None,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Open a deal for a contact; a contact below opportunity becomes one."""
    subject = f"contact {contact}"
    value = parse_amount(amount, subject)
    expected = _date(close_on, subject)
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        deal_id = create_deal(
            conn,
            found,
            contact,
            pipeline=pipeline,
            stage=stage,
            amount=value,
            currency=currency,
            owner_email=owner,
            expected_close_on=expected,
            title=title,
            referred_by=referred_by,
            actor=by,
            source=DealSource.CLI,
            now=now,
        )
        deal = show_deal(conn, found.id, deal_id).deal
    typer.echo(
        f"deal {deal_id}: {contact} in {pipeline} at {deal['stage']}, "
        f"{_money(deal['amount'], deal['currency'])}"
    )


def _date(text: str | None, subject: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{subject}: --close-on '{text}' is not a date — write it like 2026-12-31"
        ) from None


@deal_app.command("move")
def move(
    deal: DealArgument,
    stage: Annotated[str, typer.Argument(help="An open stage of the deal's pipeline")],
    reason: Annotated[str | None, typer.Option(help="Why (kept with the move)")] = None,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Move a deal to another open stage, forward or back; a lost deal is reopened."""
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        moved = move_deal(
            conn, found, deal, stage, actor=by, source=DealSource.CLI, reason=reason, now=now
        )
    _report(moved)


@deal_app.command("won")
def won(
    deal: DealArgument,
    stage: Annotated[str | None, typer.Option(help="Won stage [default: the first]")] = None,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Close a deal as won; the contact's first won deal makes it a customer."""
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        moved = win_deal(conn, found, deal, stage=stage, actor=by, source=DealSource.CLI, now=now)
    _report(moved)


@deal_app.command("lost")
def lost(
    deal: DealArgument,
    reason: Annotated[str, typer.Option(help="A loss reason from embudo.yaml")],
    stage: Annotated[str | None, typer.Option(help="Lost stage [default: the first]")] = None,
    recycle: Annotated[
        bool, typer.Option("--recycle", help="Send the contact back to marketing nurture")
    ] = False,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Close a deal as lost, with the reason; optionally recycle its contact."""
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        moved = lose_deal(
            conn,
            found,
            deal,
            reason,
            stage=stage,
            recycle=recycle,
            actor=by,
            source=DealSource.CLI,
            now=now,
        )
    _report(moved)


def _report(moved: DealMoved) -> None:
    status = "" if moved.status == "open" else f" ({moved.status})"
    typer.echo(f"deal {moved.deal_id}: {moved.from_stage} → {moved.to_stage}{status}")
    if moved.contact is not None:
        typer.echo(_contact_line(moved.contact))


def _contact_line(moved: ContactMoved) -> str:
    return f"contact {moved.contact_id}: {moved.from_stage} → {moved.to_stage}"


@deal_app.command("list")
def list_command(
    pipeline: Annotated[str | None, typer.Option(help="Only this pipeline")] = None,
    stage: Annotated[str | None, typer.Option(help="Only this stage")] = None,
    status: Annotated[Status | None, typer.Option(help="open, won or lost")] = None,
    owner: Annotated[str | None, typer.Option(help="Owner's email")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, oldest first")] = 100,
    output: FormatOption = Format.TABLE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List deals with stage, status, value, owner and first or repeat purchase."""
    wanted = DealFilter(pipeline, stage, status.value if status else None, owner, limit)
    with reading_workspace(db, workspace) as (conn, found):
        if pipeline is not None:
            pipeline_of(found.spec, pipeline)
        rows = list_deals(conn, found.id, wanted)
    print_rows(rows, output)


@deal_app.command("show")
def show(deal: DealArgument, db: DbOption = None, workspace: WorkspaceOption = None) -> None:
    """One deal: contact, value, owner, source channel, and every stage it went through."""
    with reading_workspace(db, workspace) as (conn, found):
        detail = show_deal(conn, found.id, deal)
    _print_detail(detail.deal, detail.history)


def _print_detail(deal: dict[str, Any], history: list[dict[str, Any]]) -> None:
    console = Console()
    contact = deal["contact"]
    console.print(
        f"deal {deal['id']} {deal['title']!r} — {contact}, {deal['pipeline']} at "
        f"[bold]{deal['stage']}[/bold] ({deal['status']}), "
        f"{_money(deal['amount'], deal['currency'])}",
        highlight=False,
    )
    facts = {
        key: deal[key]
        for key in ("owner", "close_on", "company", "channel", "campaign", "referred_by")
    }
    facts |= {"loss_reason": deal["loss_reason"], "purchase": deal["purchase"]}
    console.print(", ".join(f"{key} {value}" for key, value in facts.items() if value))
    moves = Table("when", "from", "to", "by", "source", "reason", "spec", title="Stage history")
    for row in history:
        moves.add_row(
            f"{row['occurred_at']:%Y-%m-%d %H:%M}",
            row["from_stage"] or "",
            row["to_stage"],
            row["actor"],
            row["source"],
            row["reason"] or "",
            f"v{row['spec_version']}" if row["spec_version"] else "",
        )
    console.print(moves)


def _money(amount: Any, currency: str) -> str:
    return str(format_currency(amount, currency, locale="en"))


@deal_app.command("rot-check")
def rot_check(db: DbOption = None, workspace: WorkspaceOption = None) -> None:
    """Run the `deal_rots` playbooks of open deals stalled past their stage's rotting_days."""
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        stalled = rotted(conn, found, now)
        runs = check_rotting(conn, found, now)
    for ran in runs:
        typer.echo(f"{ran.subject}: {ran.playbook} — {'; '.join(ran.outcomes)}")
    typer.echo(f"{len(stalled)} rotting deals, {len(runs)} new playbook runs")
