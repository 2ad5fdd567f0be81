"""`embudo contacts`, `explain`, `lead`: who is in the funnel, why, and the moves sales make."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from embudo.analytics.contacts import ContactFilter, explain, list_contacts
from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import clock, opened, reading_workspace
from embudo.domain.errors import InvalidInput
from embudo.domain.spec import MoveKind
from embudo.engine.moves import move_contact
from embudo.store.workspaces import open_workspace

lead_app = typer.Typer(
    name="lead",
    help="Leads between the teams: accept, reject, assign, recycle, disqualify, reopen.",
    no_args_is_help=True,
)
app.add_typer(lead_app, name="lead")
ContactArgument = Annotated[str, typer.Argument(help="Contact id, user id or email")]


@app.command("contacts")
def contacts_command(
    stage: Annotated[str | None, typer.Option(help="Only contacts in this stage")] = None,
    min_score: Annotated[float | None, typer.Option(help="Score at least")] = None,
    max_score: Annotated[float | None, typer.Option(help="Score at most")] = None,
    channel: Annotated[str | None, typer.Option(help="First-touch channel key")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, highest score first")] = 50,
    output: FormatOption = Format.TABLE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List contacts with their stage, score and first-touch channel."""
    wanted = ContactFilter(stage, min_score, max_score, channel, limit)
    with reading_workspace(db, workspace) as (conn, found):
        if stage is not None and stage not in {s.key for s in found.spec.lifecycle.stages}:
            known = ", ".join(s.key for s in found.spec.lifecycle.stages)
            raise InvalidInput(f"--stage: unknown stage '{stage}' — one of: {known}")
        rows = list_contacts(conn, found.id, wanted)
    print_rows(rows, output)


@app.command("explain")
def explain_command(
    contact: ContactArgument, db: DbOption = None, workspace: WorkspaceOption = None
) -> None:
    """Explain a contact's score rule by rule (with decay) and every lifecycle move's cause."""
    with reading_workspace(db, workspace) as (conn, found):
        explained = explain(conn, found.id, contact, clock())
    person = explained.contact
    console = Console()
    console.print(
        f"contact {person.id} {person.email or '(anonymous)'} — stage [bold]{person.stage}"
        f"[/bold] since {person.stage_at:%Y-%m-%d}, score {person.score:.1f} "
        f"(fit {person.fit_score:.1f} + engagement {person.engagement_score:.1f}, "
        f"as of {person.scored_at:%Y-%m-%d %H:%M})"
    )
    rules = Table("kind", "rule", "entries", "points given", "worth now", title="Score by rule")
    for rule in explained.rules:
        rules.add_row(
            rule.kind, rule.rule, str(rule.entries), f"{rule.points:.1f}", f"{rule.worth_now:.1f}"
        )
    console.print(rules)
    moves = Table("when", "from", "to", "move", "cause", title="Lifecycle moves")
    for move in explained.transitions:
        moves.add_row(
            f"{move.occurred_at:%Y-%m-%d %H:%M}",
            move.from_stage or "",
            move.to_stage,
            move.move,
            _cause(move),
        )
    console.print(moves)


def _cause(move: Any) -> str:
    """A transition's cause in words: rule and spec version, event, person, reason."""
    parts = []
    if move.rule:
        parts.append(f"{move.rule} (v{move.spec_version})")
    if move.event:
        parts.append(f"event {move.event}")
    if move.actor:
        parts.append(f"by {move.actor}")
    if move.reason:
        parts.append(f"reason {move.reason}")
    return ", ".join(parts)


def _move(
    kind: MoveKind, contact: str, reason: str | None, by: str, db: str | None, ws: str | None
) -> None:
    chosen = settings(db, ws)
    with opened(chosen) as engine, engine.begin() as conn:
        found = open_workspace(conn, chosen.workspace)
        now = clock()
        before, after = move_contact(
            conn, found, contact, kind, at=now, actor=by, reason=reason, now=now
        )
    typer.echo(f"{contact}: {before} → {after}")


ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept with the move)")]
ByOption = Annotated[str, typer.Option("--by", help="Who makes the move")]


@lead_app.command("recycle")
def recycle(
    contact: ContactArgument,
    reason: ReasonOption,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Send a lead back to marketing nurture; only later activity can re-qualify it."""
    _move(MoveKind.RECYCLE, contact, reason, by, db, workspace)


@lead_app.command("disqualify")
def disqualify(
    contact: ContactArgument,
    reason: ReasonOption,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Take a contact out of the funnel, with the reason."""
    _move(MoveKind.DISQUALIFY, contact, reason, by, db, workspace)


@lead_app.command("reopen")
def reopen(
    contact: ContactArgument,
    by: ByOption = "cli",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Bring a disqualified contact back into the funnel."""
    _move(MoveKind.REOPEN, contact, None, by, db, workspace)
