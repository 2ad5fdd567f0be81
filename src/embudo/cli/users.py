"""`embudo user add|list`: the people who own contacts and deals."""

from __future__ import annotations

from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import clock, in_workspace, reading_workspace
from embudo.engine.users import add_user
from embudo.store.users import list_users

user_app = typer.Typer(
    name="user", help="Sales reps and marketers: add, list.", no_args_is_help=True
)
app.add_typer(user_app, name="user")


@user_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The user's email")],
    name: Annotated[str, typer.Option(help="Full name")] = "",
    team: Annotated[str, typer.Option(help="Team key, e.g. sales or front_desk")] = "sales",
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add an active user who can own deals."""
    with in_workspace(db, workspace) as (conn, found):
        user_id = add_user(conn, found.id, email, name=name, team=team, now=clock())
    typer.echo(f"user {user_id}: {email.strip().lower()} ({team})")


@user_app.command("list")
def list_command(
    output: FormatOption = Format.TABLE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """List the workspace's users by team."""
    with reading_workspace(db, workspace) as (conn, found):
        rows = list_users(conn, found.id)
    print_rows(rows, output)
