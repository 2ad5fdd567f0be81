"""Where a report runs: an Ibis backend on the store, or DuckDB over a Parquet snapshot.

The same report expression runs on the operational store (SQLite or
PostgreSQL, the `--db` URL) or, with `--engine duckdb:DIR`, on DuckDB over the
files `embudo export parquet DIR` wrote (one `TABLE.parquet` per table). A
PostgreSQL URL keeps its query options (`?options=-csearch_path=SCHEMA`), so a
report reads the same schema the other commands write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
from ibis.backends import BaseBackend
from sqlalchemy.engine import URL

from embudo.domain.errors import DatabaseNotReady, InvalidInput
from embudo.store import schema
from embudo.store.session import connect

DUCKDB_PREFIX = "duckdb:"


def open_backend(store_url: str, engine: str | None = None) -> BaseBackend:
    """An Ibis backend on `engine` (`duckdb:DIR`) when given, else on the store at `store_url`."""
    if engine is not None:
        return _duckdb(_snapshot_dir(engine))
    store = connect(store_url)
    try:
        schema.require_ready(store, store_url)
        url = store.url
    finally:
        store.dispose()
    if url.get_backend_name() == "sqlite":
        return ibis.sqlite.connect(url.database)
    return _postgres(url)


def _snapshot_dir(engine: str) -> Path:
    if not engine.startswith(DUCKDB_PREFIX) or not engine[len(DUCKDB_PREFIX) :]:
        raise InvalidInput(
            f"--engine {engine!r} is not known — use duckdb:DIR (a folder written by "
            "embudo export parquet DIR), or leave it out to read the store"
        )
    directory = Path(engine[len(DUCKDB_PREFIX) :])
    if not (directory / "workspaces.parquet").is_file():
        raise DatabaseNotReady(
            f"{directory} holds no snapshot (no workspaces.parquet) — "
            f"write one with: embudo export parquet {directory}"
        )
    return directory


def _duckdb(directory: Path) -> BaseBackend:
    """An in-memory DuckDB with one view per Parquet file of the snapshot.

    The views are made in one plain statement: Ibis's `read_parquet` would ask
    DuckDB for each file's schema as it registers it, where only the tables a
    report reads need one (asked when the report names them).
    """
    backend = ibis.duckdb.connect()
    views = (
        f"CREATE VIEW {_identifier(path.stem)} AS SELECT * FROM read_parquet({_text(path)})"
        for path in sorted(directory.glob("*.parquet"))
    )
    backend.raw_sql(";\n".join(views))
    return backend


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(path: Path) -> str:
    return "'" + str(path.resolve()).replace("'", "''") + "'"


def _postgres(url: URL) -> BaseBackend:
    """psycopg under Ibis, with the URL's query options (search_path, sslmode, ...)."""
    options: dict[str, Any] = dict(url.query)
    return ibis.postgres.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
        **options,
    )
