"""What a report reads: one workspace's history tables on an Ibis backend, and its definition.

The workspace, its time zone and its funnel definition are read from the
backend too, so a Parquet snapshot (which holds `workspaces` and
`spec_versions` like the store does) answers exactly as the store would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import ibis
import pyarrow as pa
import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends import BaseBackend

from embudo.domain.errors import NotFound
from embudo.domain.spec import FunnelSpec


@dataclass(frozen=True, slots=True)
class Source:
    """A backend seen through one workspace: `table(name)` holds only that workspace's rows."""

    backend: BaseBackend
    workspace_id: int
    workspace: str
    timezone: ZoneInfo
    spec: FunnelSpec
    now: datetime | None = None
    """When the report runs (read by the caller's clock): what an open period ends at."""
    _tables: dict[str, ibis.Table] = field(default_factory=dict, compare=False, repr=False)
    """Each table as the backend described it, asked once: a report reads some tables in
    several queries, and asking again costs a schema lookup each time (DuckDB: ~10 ms)."""

    def table(self, name: str, *, whole: bool = False, keyed: bool = False) -> ibis.Table:
        """The workspace's rows of history table `name`.

        `whole`: the caller reads (nearly) all of them, with no filter an index
        could narrow. Without statistics SQLite takes any index starting with
        `workspace_id` as selective, and would read the whole table through it,
        a lookup per row in index order, where a scan reads it in storage order
        (`flow` at 100,000 contacts: 3.3 s against 0.4 s). So on SQLite the
        filter is then written as an expression no index serves.

        `keyed`: the caller looks a few rows up by a key of their own (a won
        deal's contact's moves) whose index does not start with
        `workspace_id`; SQLite would rather read every row of a
        `workspace_id` index the other filters match (attribution's lead
        moments at 1,000,000 contacts: 2.5 s against 0.9 s). The same remedy.
        """
        rows = self._tables.get(name)
        if rows is None:
            rows = self._tables[name] = self.backend.table(name)
        workspace = rows.workspace_id
        if (whole or keyed) and self.backend.name == "sqlite":
            workspace = workspace + 0
        return rows.filter(workspace == self.workspace_id)

    def arrow(self, expression: ibis.Table) -> pa.Table:
        """Execute `expression`: its rows as an Arrow table."""
        result: pa.Table = self.backend.to_pyarrow(expression)
        return result

    def rows(self, expression: ibis.Table) -> list[dict[str, Any]]:
        """Execute `expression`: its rows as dicts of Python values."""
        result: list[dict[str, Any]] = self.arrow(expression).to_pylist()
        return result


def open_source(backend: BaseBackend, workspace: str, now: datetime | None = None) -> Source:
    """The workspace `workspace` on `backend` with the funnel definition in force."""
    found = _definition_row(backend, workspace)
    if found is None:
        raise NotFound(
            f"no workspace '{workspace}' here — run: embudo init --template NAME "
            f"--workspace {workspace} (or pick one with --workspace)"
        )
    workspace_id, timezone, document = found
    if document is None:
        raise NotFound(f"workspace '{workspace}' has no funnel definition — run: embudo apply FILE")
    spec = FunnelSpec.model_validate(_document(document))
    return Source(backend, workspace_id, workspace, ZoneInfo(timezone), spec, now)


DEFINITION = sg.parse_one(
    "SELECT w.id, w.timezone, v.document FROM workspaces AS w"
    " LEFT JOIN spec_versions AS v ON v.workspace_id = w.id"
    " WHERE w.name = :workspace ORDER BY v.version DESC LIMIT 1"
)
"""A workspace's id, time zone and latest definition, parsed once; each backend writes it in
its own dialect."""


def _definition_row(backend: BaseBackend, workspace: str) -> tuple[Any, ...] | None:
    """The workspace's id, time zone and latest definition (None without one), or None.

    A statement of the backend's own, not an Ibis expression: compiling one
    costs ~5 ms, as much as a small report's whole query on DuckDB, and
    every report begins here. The cursor is read to its end, which ends the
    statement (SQLite, PostgreSQL in autocommit, DuckDB).
    """
    query = sge.replace_placeholders(DEFINITION, workspace=sge.convert(workspace))
    rows = backend.raw_sql(query).fetchall()
    return tuple(rows[0]) if rows else None


def _document(value: Any) -> Any:
    """A JSON document as the backend hands it back: text (SQLite, Parquet) or parsed."""
    return json.loads(value) if isinstance(value, str) else value


STORED = Decimal("0.0001")


def amount(value: Any) -> Decimal:
    """A sum of amounts as exact `Decimal` to the stored 4 decimals, whatever the engine gave.

    PostgreSQL and DuckDB sum NUMERIC(18, 4) exactly; SQLite has no decimal
    type and sums doubles, which are exact to 15 digits, so rounding to the
    stored precision gives every engine the same number. None (no rows) is 0.
    """
    if value is None:
        return Decimal(0).quantize(STORED)
    if isinstance(value, Decimal):  # PostgreSQL, DuckDB: exact already, no text round trip
        return value.quantize(STORED)
    return Decimal(str(value)).quantize(STORED)
