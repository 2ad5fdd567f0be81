"""Writing many rows in one statement without SQLAlchemy's per-row work.

`conn.execute(insert(table), rows)` builds every row's parameters through the
compiled statement, name by name, before the driver sees them; for an ingest
batch of a thousand events, score entries and contact caches that costs more
than the database's own work. Here the statement is compiled once per shape
and each value goes straight through its type's bind processor (the very
conversion SQLAlchemy would apply: UTC timestamps, JSON documents, the
backend's casts), then to the driver's `executemany`.

Every row of one call must have the same keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A statement compiled for one dialect: its SQL, and how to turn a row into parameters."""

    sql: str
    names: tuple[str, ...]
    """The bind names, in the order a positional driver wants them."""
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool
    pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] = field(init=False)
    """A row's values in `names` order, taken in one step."""
    converted: tuple[tuple[int, Callable[[Any], Any]], ...] = field(init=False)
    """The positions whose values go through a bind processor, and the processor."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "pick", _picker(self.names))
        converted = tuple(
            (index, process) for index, process in enumerate(self.processors) if process
        )
        object.__setattr__(self, "converted", converted)

    def parameters(self, row: Mapping[str, Any]) -> Any:
        values = self.pick(row)
        if self.converted:
            listed = list(values)
            for index, process in self.converted:
                listed[index] = process(listed[index])
            values = tuple(listed)
        return values if self.positional else dict(zip(self.names, values, strict=True))


def _picker(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """`itemgetter` over `names`, always giving a tuple (it gives a bare value for one name).

    A row's values are taken in C rather than name by name in Python, and only
    the values with a bind processor are converted: with a thousand rows of a
    dozen columns a batch, the per-value work was most of the cost."""
    if not names:
        return lambda row: ()
    if len(names) == 1:
        only = names[0]
        return lambda row: (row[only],)
    return itemgetter(*names)


class Bulk:
    """A statement run once per row, compiled once per dialect and set of row keys."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._prepared: dict[tuple[str, tuple[str, ...]], _Prepared] = {}

    def run(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement for every row (dicts of bind values, all with the same keys)."""
        if not rows:
            return
        prepared = self._prepare(conn, tuple(rows[0]))
        conn.exec_driver_sql(prepared.sql, [prepared.parameters(row) for row in rows])

    def _prepare(self, conn: Connection, keys: tuple[str, ...]) -> _Prepared:
        found = self._prepared.get((conn.dialect.name, keys))
        if found is None:
            compiled = self.statement.compile(dialect=conn.dialect, column_keys=list(keys))
            assert isinstance(compiled, SQLCompiler)
            names = tuple(compiled.positiontup or compiled.bind_names.values())
            processors: Mapping[str, Any] = compiled._bind_processors
            found = _Prepared(
                compiled.string,
                names,
                tuple(processors.get(name) for name in names),
                bool(compiled.positional),
            )
            self._prepared[(conn.dialect.name, keys)] = found
        return found


_inserts: dict[str, Bulk] = {}


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` (dicts of column values, all with the same keys) into `table`."""
    bulk = _inserts.get(table.name)
    if bulk is None:
        bulk = _inserts[table.name] = Bulk(insert(table))
    bulk.run(conn, rows)
