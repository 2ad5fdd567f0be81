"""What a report reads: one workspace's history tables on an Ibis backend, and its definition.

The workspace, its time zone and its funnel definition are read through Ibis
too, so a Parquet snapshot (which holds `workspaces` and `spec_versions` like
the store does) answers exactly as the store would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import ibis
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

    def rows(self, expression: ibis.Table) -> list[dict[str, Any]]:
        """Execute `expression`: its rows as dicts of Python values."""
        result: list[dict[str, Any]] = self.backend.to_pyarrow(expression).to_pylist()
        return result


def open_source(backend: BaseBackend, workspace: str, now: datetime | None = None) -> Source:
    """The workspace `workspace` on `backend` with the funnel definition in force."""
    found = _workspace_row(backend, workspace)
    versions = backend.table("spec_versions")
    latest = (
        versions.filter(versions.workspace_id == found["id"])
        .order_by(ibis.desc("version"))
        .limit(1)
        .select(document=versions.document.cast("string"))
    )
    documents = backend.to_pyarrow(latest).to_pylist()
    if not documents:
        raise NotFound(f"workspace '{workspace}' has no funnel definition — run: embudo apply FILE")
    spec = FunnelSpec.model_validate(_document(documents[0]["document"]))
    return Source(backend, found["id"], workspace, ZoneInfo(found["timezone"]), spec, now)


def _workspace_row(backend: BaseBackend, workspace: str) -> dict[str, Any]:
    table = backend.table("workspaces")
    query = table.filter(table.name == workspace).select("id", "timezone")
    rows = backend.to_pyarrow(query).to_pylist()
    if not rows:
        raise NotFound(
            f"no workspace '{workspace}' here — run: embudo init --template NAME "
            f"--workspace {workspace} (or pick one with --workspace)"
        )
    row: dict[str, Any] = rows[0]
    return row


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
