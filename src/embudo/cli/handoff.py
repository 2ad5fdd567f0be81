"""`embudo lead accept|reject|assign`, `queue`, `sla check`, `task add|list|done`: the hand-off.

Sales' side of the agreement with marketing: who owns each MQL, the answer
(accept or reject with a reason), the follow-up tasks, and the first-touch SLA.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from embudo.analytics.queue import sales_queue
from embudo.analytics.tasks import TaskFilter, list_tasks
from embudo.cli.app import app
from embudo.cli.contacts import ContactArgument, lead_app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import clock, in_workspace, reading_workspace
from embudo.domain.errors import InvalidInput, NotFound
from embudo.domain.sla import TaskKind
from embudo.engine.assignment import assign_contact
from embudo.engine.handoff import Answered, accept_lead, reject_lead
from embudo.engine.sla import check_first_touch
from embudo.engine.tasks import NewTask, add_task, complete_task

sla_app = typer.Typer(
    name="sla", help="The first-touch SLA: record breaches.", no_args_is_help=True
)
task_app = typer.Typer(name="task", help="Follow-up tasks: add, list, done.", no_args_is_help=True)
app.add_typer(sla_app, name="sla")
app.add_typer(task_app, name="task")

ByOption = Annotated[str, typer.Option("--by", help="Who answers (kept with the move)")]
LATE = " — late first touch: SLA breach recorded"


def _said(reference: str, answered: Answered) -> str:
    late = LATE if answered.late else ""
    return f"{reference}: {answered.from_stage} → {answered.to_stage}{late}"


@lead_app.command("accept")
def accept(
    contact: ContactArgument,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Sales takes an MQL: it becomes sales-accepted (SAL)."""
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        answered = accept_lead(conn, found, contact, at=now, actor=by, now=now)
    typer.echo(_said(contact, answered))


@lead_app.command("reject")
def reject(
    contact: ContactArgument,
    reason: Annotated[str, typer.Option("--reason", help="One of the rejection_reasons")],
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Sales hands an MQL back to marketing nurture, with the reason."""
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        answered = reject_lead(conn, found, contact, reason=reason, at=now, actor=by, now=now)
    typer.echo(_said(contact, answered))


@lead_app.command("assign")
def assign(
    contact: ContactArgument,
    to: Annotated[str | None, typer.Option("--to", help="Email of an active user")] = None,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Give a contact an owner: the user named, else by the hand-off rules and round-robin."""
    with in_workspace(db, workspace) as (conn, found):
        made = assign_contact(conn, found, contact, to=to, actor=by, now=clock())
        if made is None:
            team = found.spec.handoff.team
            raise NotFound(
                f"{contact}: nobody to assign — team '{team}' has no active user "
                f"(add one: embudo user add EMAIL --name NAME --team {team})"
            )
    typer.echo(f"{contact}: assigned to {made.owner_email} ({made.rule})")


def _readable(rows: list[dict[str, Any]], output: Format) -> list[dict[str, Any]]:
    """Times to the minute in a terminal table; JSON and CSV keep them whole."""
    if output is not Format.TABLE:
        return rows
    return [
        {
            key: f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value
            for key, value in row.items()
        }
        for row in rows
    ]


@app.command("queue")
def queue(
    output: FormatOption = Format.TABLE, db: DbOption = None, workspace: WorkspaceOption = None
) -> None:
    """MQLs waiting on sales: unassigned, or past their first-touch due time."""
    with reading_workspace(db, workspace) as (conn, found):
        rows = sales_queue(conn, found, clock())
    print_rows(_readable(rows, output), output)


@sla_app.command("check")
def sla_check(db: DbOption = None, workspace: WorkspaceOption = None) -> None:
    """Record a breach for each MQL still untouched past its first-touch due time."""
    with in_workspace(db, workspace) as (conn, found):
        hours = found.spec.sla.first_touch_hours
        recorded = check_first_touch(conn, found, clock())
    if hours is None:
        typer.echo("no first-touch SLA (sla.first_touch_hours) in the funnel definition")
        return
    typer.echo(f"recorded {recorded} new first-touch breaches (MQLs untouched after {hours:g} h)")


@task_app.command("add")
def task_add(
    contact: ContactArgument,
    title: Annotated[str, typer.Option("--title", help="What to do")],
    kind: Annotated[TaskKind, typer.Option("--kind", help="call, email, meeting or todo")],
    due: Annotated[
        str | None, typer.Option("--due", help="e.g. 2026-12-01T10:00 (workspace time zone)")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Email of an active user [contact's owner]")
    ] = None,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a follow-up task about a contact."""
    with in_workspace(db, workspace) as (conn, found):
        due_at = _moment(due, found.spec.timezone) if due is not None else None
        task = NewTask(title, kind, due_at=due_at, owner=owner)
        task_id = add_task(conn, found, contact, task, now=clock())
    typer.echo(f"task {task_id}: {kind} '{title.strip()}' about {contact}")


def _moment(text: str, timezone: str) -> datetime:
    """An ISO date-time; without a zone, in the workspace's time zone."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--due: '{text}' is not a date-time — write 2026-12-01T10:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(timezone))


@task_app.command("list")
def task_list(
    owner: Annotated[str | None, typer.Option("--owner", help="Only this user's tasks")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Open and past due")] = False,
    open_only: Annotated[bool, typer.Option("--open", help="Not completed")] = False,
    limit: Annotated[int, typer.Option(min=1, help="How many, soonest due first")] = 100,
    output: FormatOption = Format.TABLE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List tasks, soonest due first."""
    wanted = TaskFilter(owner, open_only, overdue, limit)
    with reading_workspace(db, workspace) as (conn, found):
        rows = list_tasks(conn, found.id, wanted, clock())
    print_rows(_readable(rows, output), output)


@task_app.command("done")
def task_done(
    task: Annotated[int, typer.Argument(help="Task id (see embudo task list)")],
    outcome: Annotated[str, typer.Option("--outcome", help="What came of it")],
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Complete a task with its outcome; a call, meeting or email is a sales touch."""
    with in_workspace(db, workspace) as (conn, found):
        now = clock()
        done = complete_task(conn, found, task, outcome=outcome, at=now, now=now)
    typer.echo(f"task {task}: done ({outcome.strip()}){LATE if done.late else ''}")
