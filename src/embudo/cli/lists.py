"""`embudo list show LIST`: who is on a contact list now."""

from __future__ import annotations

from typing import Annotated

import typer

from embudo.analytics.lists import list_members
from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import reading_workspace

list_app = typer.Typer(name="list", help="Contact lists that playbooks keep.", no_args_is_help=True)
app.add_typer(list_app, name="list")


@list_app.command("show")
def list_show(
    key: Annotated[str, typer.Argument(help="List key, e.g. sales_nurture")],
    output: FormatOption = Format.TABLE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Show a list's current members, oldest membership first."""
    with reading_workspace(db, workspace) as (conn, found):
        rows = list_members(conn, found.id, key)
    print_rows(rows, output)
