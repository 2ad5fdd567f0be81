"""`embudo export parquet DIR`: a snapshot of a workspace's history for `--engine duckdb:DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption
from embudo.cli.store import reading_workspace

export_app = typer.Typer(
    name="export", help="Write the history out for other engines.", no_args_is_help=True
)
app.add_typer(export_app, name="export")


@export_app.command("parquet")
def parquet(
    directory: Annotated[Path, typer.Argument(help="Folder to write TABLE.parquet files into")],
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Write one Parquet file per history table of the workspace (overwriting older ones)."""
    from embudo.io.parquet import export_parquet  # PyArrow loads only for this command

    with reading_workspace(db, workspace) as (conn, found):
        written = export_parquet(conn, found.id, directory)
    total = sum(item.rows for item in written)
    typer.echo(f"wrote {len(written)} tables, {total:,} rows to {directory}")
