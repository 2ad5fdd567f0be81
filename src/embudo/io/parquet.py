"""`embudo export parquet DIR`: a snapshot of one workspace's history, one Parquet file a table.

DuckDB must answer a report exactly as the store does, so every column gets
an explicit Arrow type derived from the schema, not one guessed from the
values: ids and counts int64, UTC timestamps `timestamp[us, UTC]`, money
`decimal128(18, 4)` (the store's NUMERIC(18, 4)), dates `date32`, JSON
documents as their text (sorted keys). Rows are streamed in batches, so a
large history never has to fit in memory at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import JSON, Boolean, Connection, Date, Float, Integer, String, Table, select
from sqlalchemy.types import TypeEngine

from embudo.store import tables
from embudo.store.types import Money, UtcDateTime

BATCH_ROWS = 50_000

SNAPSHOT_TABLES: tuple[Table, ...] = (
    tables.workspaces,
    tables.spec_versions,
    tables.users,
    tables.channels,
    tables.campaigns,
    tables.campaign_costs,
    tables.companies,
    tables.contacts,
    tables.events,
    tables.lifecycle_transitions,
    tables.lifecycle_visits,
    tables.owner_assignments,
    tables.sla_breaches,
    tables.tasks,
    tables.deals,
    tables.deal_stage_history,
    tables.deal_visits,
)
"""What reports read. A new report that needs another table adds it here."""


@dataclass(frozen=True, slots=True)
class Exported:
    table: str
    rows: int
    path: Path


def export_parquet(conn: Connection, workspace_id: int, directory: Path) -> list[Exported]:
    """Write each snapshot table's rows of the workspace to `directory/TABLE.parquet`."""
    directory.mkdir(parents=True, exist_ok=True)
    return [_export(conn, table, workspace_id, directory) for table in SNAPSHOT_TABLES]


def _export(conn: Connection, table: Table, workspace_id: int, directory: Path) -> Exported:
    schema = arrow_schema(table)
    path = directory / f"{table.name}.parquet"
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(conn, table, workspace_id, schema):
            writer.write_table(batch)
            count += batch.num_rows
        if count == 0:
            writer.write_table(schema.empty_table())
    return Exported(table.name, count, path)


def _batches(
    conn: Connection, table: Table, workspace_id: int, schema: pa.Schema
) -> Iterator[pa.Table]:
    """The workspace's rows in key order, `BATCH_ROWS` at a time, typed by `schema`."""
    owner = table.c.id if table is tables.workspaces else table.c.workspace_id
    query = select(table).where(owner == workspace_id).order_by(*table.primary_key)
    result = conn.execution_options(yield_per=BATCH_ROWS).execute(query)
    for chunk in result.partitions():
        columns = {name: [_value(row[i]) for row in chunk] for i, name in enumerate(schema.names)}
        yield pa.table(columns, schema=schema)


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow type of every column of `table`, from its SQLAlchemy type."""
    return pa.schema(
        [pa.field(column.name, arrow_type(column.type), column.nullable) for column in table.c]
    )


def arrow_type(kind: TypeEngine[Any]) -> pa.DataType:
    """The one Arrow type a column type maps to; an unmapped type is a bug, not a guess."""
    if isinstance(kind, UtcDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, Money):
        return pa.decimal128(18, 4)
    for sql_type, arrow in _PLAIN:
        if isinstance(kind, sql_type):
            return arrow
    raise TypeError(f"no Parquet type for column type {kind!r}: add it to io/parquet.py")


_PLAIN: tuple[tuple[type[TypeEngine[Any]], pa.DataType], ...] = (
    (Boolean, pa.bool_()),
    (Integer, pa.int64()),
    (Float, pa.float64()),
    (Date, pa.date32()),
    (JSON, pa.string()),
    (String, pa.string()),
)


def _value(value: Any) -> Any:
    """JSON documents become text; everything else is already the Python value Arrow takes."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value
