"""Options every data command takes after its name: `--db URL` and `--workspace NAME`."""

from __future__ import annotations

from typing import Annotated

import typer

from embudo.config import Settings, load_settings

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL, e.g. sqlite:///embudo.db or postgresql+psycopg://host/db "
        "[env EMBUDO_DATABASE_URL; default sqlite:///embudo.db]",
        show_default=False,
    ),
]
WorkspaceOption = Annotated[
    str | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace name [env EMBUDO_WORKSPACE; default 'default']",
        show_default=False,
    ),
]


def settings(db: str | None, workspace: str | None) -> Settings:
    """The settings for one command: its options over the environment."""
    return load_settings(database_url=db, workspace=workspace)
