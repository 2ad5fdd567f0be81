"""`embudo serve`: the HTTP API under uvicorn.

Workers are separate processes, so uvicorn gets an import string and a factory
(`embudo.api.app:from_environment`) rather than an app object; the database
URL reaches them through `EMBUDO_DATABASE_URL`, the variable the factory's
settings read. Processes keep no state: any number can serve one database.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from embudo.cli.app import app
from embudo.cli.options import DbOption, settings
from embudo.cli.store import opened

FACTORY = "embudo.api.app:from_environment"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    db: DbOption = None,
) -> None:
    """Serve the Segment-compatible intake (/v1) and the REST API (/api/v1)."""
    chosen = settings(db, None)
    with opened(chosen):
        pass
    os.environ["EMBUDO_DATABASE_URL"] = chosen.database_url
    typer.echo(f"embudo API on http://{host}:{port} (docs at /docs), {workers} worker(s)")
    uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers)
