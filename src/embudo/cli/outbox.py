"""`embudo outbox list`: the messages playbooks queued for the outside world."""

from __future__ import annotations

from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import reading_workspace
from embudo.store.outbox import recent_outbox

outbox_app = typer.Typer(
    name="outbox", help="Messages waiting to leave (webhooks, later).", no_args_is_help=True
)
app.add_typer(outbox_app, name="outbox")


@outbox_app.command("list")
def outbox_list(
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first")] = 50,
    output: FormatOption = Format.TABLE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List outbox messages, newest first, delivered or not."""
    with reading_workspace(db, workspace) as (conn, found):
        rows = recent_outbox(conn, found.id, limit)
    print_rows(rows, output)
