"""`embudo apikey create|list|revoke`: keys for the HTTP API and Segment write keys."""

from __future__ import annotations

from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import clock, in_workspace, reading_workspace
from embudo.domain.access import Role
from embudo.engine.api_keys import create_key, revoke_key
from embudo.store.api_keys import list_keys

apikey_app = typer.Typer(
    name="apikey",
    help="API keys: intake (Segment write keys), read, write, admin.",
    no_args_is_help=True,
)
app.add_typer(apikey_app, name="apikey")


@apikey_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. website")],
    role: Annotated[
        Role, typer.Option(help="intake: send events only (safe in a web page); read; write; admin")
    ] = Role.INTAKE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Issue a key; it is printed once and only its digest is stored."""
    with in_workspace(db, workspace) as (conn, found):
        issued = create_key(conn, found.id, name, role, now=clock())
    typer.echo(f"api key {issued.id}: {issued.name} ({issued.role}) — shown once, keep it:")
    typer.echo(issued.secret)


@apikey_app.command("list")
def list_command(
    output: FormatOption = Format.TABLE,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """The workspace's keys (never their secrets), revoked ones too."""
    with reading_workspace(db, workspace) as (conn, found):
        rows = list_keys(conn, found.id)
    print_rows(rows, output)


@apikey_app.command("revoke")
def revoke(
    key_id: Annotated[int, typer.Argument(help="The key's id, from embudo apikey list")],
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Revoke a key: requests presenting it get 401 from now on."""
    with in_workspace(db, workspace) as (conn, found):
        changed = revoke_key(conn, found.id, key_id, now=clock())
    typer.echo(f"api key {key_id}: revoked" + ("" if changed else " (already)"))
