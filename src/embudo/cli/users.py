"""`embudo user …`: the people who own contacts and deals and sign in.

Add, list, set a password, deactivate and activate, change a role.

A password is asked on the terminal, hidden and twice; a script sets
`EMBUDO_PASSWORD` instead, so the password never shows in the process list
or the shell's history.
"""

from __future__ import annotations

from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.output import Format, FormatOption, print_rows
from embudo.cli.store import clock, in_workspace, reading_workspace
from embudo.domain.access import UserRole
from embudo.engine.users import add_user, set_active_by_email, set_password, set_role_by_email
from embudo.store.users import list_users

user_app = typer.Typer(
    name="user",
    help="Sales reps and marketers: add, list, set a password, (de)activate, change a role.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")

EmailArgument = Annotated[str, typer.Argument(help="The user's email")]
PasswordFromEnvironment = Annotated[
    str | None,
    typer.Option(
        "--password-from-environment",
        envvar="EMBUDO_PASSWORD",
        hidden=True,
        show_envvar=False,
        help="Set EMBUDO_PASSWORD rather than passing this option",
    ),
]


def new_password(given: str | None) -> str:
    """`EMBUDO_PASSWORD` when set, else asked on the terminal (hidden, then confirmed)."""
    if given is not None:
        return given
    asked: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return asked


@user_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The user's email")],
    name: Annotated[str, typer.Option(help="Full name")] = "",
    team: Annotated[str, typer.Option(help="Team key, e.g. sales or marketing")] = "sales",
    role: Annotated[
        UserRole, typer.Option(help="member works the funnel; admin also configures it")
    ] = UserRole.MEMBER,
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="Set a password to sign in to the dashboard (asked, or EMBUDO_PASSWORD)",
        ),
    ] = False,
    from_environment: PasswordFromEnvironment = None,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Add an active user who can own deals (and, with --password, sign in)."""
    secret = new_password(from_environment) if password else None
    with in_workspace(db, workspace) as (conn, found):
        user_id = add_user(
            conn,
            found.id,
            email,
            name=name,
            team=team,
            role=role.value,
            password=secret,
            now=clock(),
        )
    signs_in = "; can sign in" if secret is not None else ""
    typer.echo(f"user {user_id}: {email.strip().lower()} ({team}, {role.value}){signs_in}")


@user_app.command("password")
def password_command(
    email: Annotated[str, typer.Argument(help="The user's email")],
    from_environment: PasswordFromEnvironment = None,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Set or reset a user's password (asked, or EMBUDO_PASSWORD); their sessions end."""
    secret = new_password(from_environment)
    with in_workspace(db, workspace) as (conn, found):
        set_password(conn, found.id, email, secret)
    typer.echo(f"password set for {email.strip().lower()}")


@user_app.command("deactivate")
def deactivate(
    email: EmailArgument,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Stop a user: no new leads or deals, no sign-in, sessions end; they keep what they own."""
    with in_workspace(db, workspace) as (conn, found):
        set_active_by_email(conn, found.id, email, active=False)
    typer.echo(f"user {email.strip().lower()} deactivated")


@user_app.command("activate")
def activate(
    email: EmailArgument,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Let a deactivated user be given leads and deals and sign in again."""
    with in_workspace(db, workspace) as (conn, found):
        set_active_by_email(conn, found.id, email, active=True)
    typer.echo(f"user {email.strip().lower()} activated")


@user_app.command("role")
def role_command(
    email: EmailArgument,
    role: Annotated[
        str, typer.Option("--role", help="member works the funnel; admin also configures it")
    ],
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Make a user a member or an admin of the workspace (from their next request)."""
    with in_workspace(db, workspace) as (conn, found):
        set_role_by_email(conn, found.id, email, role)
    typer.echo(f"user {email.strip().lower()} is now {role}")


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
