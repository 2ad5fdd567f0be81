"""`embudo db`: create the database, migrate it, and say which revision it is at."""

from __future__ import annotations

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, settings
from embudo.store import schema
from embudo.store.session import connect

db_app = typer.Typer(name="db", help="Create and migrate the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(db: DbOption = None) -> None:
    """Migrate the database to the newest schema, creating it if it does not exist."""
    url = settings(db, None).database_url
    engine = connect(url)
    try:
        revision = schema.upgrade(engine)
    finally:
        engine.dispose()
    typer.echo(f"database {schema.hide_password(url)} at revision {revision}")


@db_app.command("status")
def status(db: DbOption = None) -> None:
    """Show the database's revision and the newest one; exit 1 when it is behind."""
    url = settings(db, None).database_url
    engine = connect(url)
    missing = schema.missing_sqlite_file(engine)
    try:
        current = None if missing else schema.current_revision(engine)
    finally:
        engine.dispose()
    head = schema.head_revision()
    typer.echo(f"database {schema.hide_password(url)}")
    typer.echo(
        f"  current: {current or 'nothing'}" + (f" ({missing} does not exist)" if missing else "")
    )
    typer.echo(f"  head:    {head}")
    if current != head:
        typer.echo(f"  behind — run: embudo db upgrade --db {schema.hide_password(url)}")
        raise typer.Exit(1)
    typer.echo("  up to date")
