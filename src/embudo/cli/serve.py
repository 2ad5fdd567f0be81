"""`embudo serve`: the HTTP API and the web dashboard under uvicorn.

Workers are separate processes, so uvicorn gets an import string and a factory
(`embudo.server:from_environment`) rather than an app object; the database
URL and the workspace the dashboard opens on reach them through
`EMBUDO_DATABASE_URL` and `EMBUDO_WORKSPACE`, the variables the factory's
settings read. Processes keep no state: any number can serve one database.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from embudo.cli.app import app
from embudo.cli.options import DbOption, WorkspaceOption, settings
from embudo.cli.store import opened
from embudo.config import Settings

FACTORY = "embudo.server:from_environment"
NO_DELAY_HTTP = "embudo.http_protocol:NoDelayH11Protocol"
"""uvicorn's h11 with `TCP_NODELAY` on every connection, also with `--workers N`."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    db: DbOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Serve the dashboard (/), the Segment-compatible intake (/v1) and the REST API (/api/v1)."""
    chosen = settings(db, workspace)
    with opened(chosen):
        pass
    run_server(chosen, host, port, workers)


def run_server(chosen: Settings, host: str, port: int, workers: int = 1) -> None:
    """Say where everything is, then run uvicorn until interrupted."""
    os.environ["EMBUDO_DATABASE_URL"] = chosen.database_url
    os.environ["EMBUDO_WORKSPACE"] = chosen.workspace
    typer.echo(
        f"embudo dashboard on http://{host}:{port}/ (workspace {chosen.workspace}); "
        f"API docs at http://{host}:{port}/docs; {workers} worker(s)"
    )
    uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers, http=NO_DELAY_HTTP)
