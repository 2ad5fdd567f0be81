"""`--by`: the column a report's rows are grouped by, looked up the same way on every engine.

A report hands in its subjects — deals or contacts — with the columns
`channel_id`, `campaign_id`, `owner_id`, `contact_id` (and `pipeline` for
deals) and gets them back with one more column named after the dimension:
`channel` (the channel key; `direct` when the first touch had none),
`campaign` (its name), `owner` (the user's email), `pipeline`, or
`property:NAME` → a column `NAME` holding the contact trait when it is text
(numbers and booleans group as null: JSON scalars render differently per
engine). `month` is not a column lookup: the runner splits the period.
"""

from __future__ import annotations

import ibis

from embudo.analytics.params import Dimension, DimensionKind
from embudo.analytics.source import Source

DIRECT = "direct"


def group_keys(by: Dimension | None) -> list[str]:
    """The result columns a dimension adds to a report's grouping (none for month)."""
    if by is None or by.kind is DimensionKind.MONTH:
        return []
    return [by.column]


def with_dimension(source: Source, subjects: ibis.Table, by: Dimension | None) -> ibis.Table:
    """`subjects` with the dimension's column added (unchanged without one, or for month)."""
    if by is None or by.kind is DimensionKind.MONTH:
        return subjects
    if by.kind is DimensionKind.PIPELINE:
        return subjects
    if by.kind is DimensionKind.PROPERTY:
        return _lookup(subjects, "contact_id", _traits(source, by), by.column)
    found = _lookup(subjects, _LOOKUPS[by.kind][0], names(source, by.kind), by.column)
    if by.kind is DimensionKind.CHANNEL:
        return found.mutate(**{by.column: found[by.column].fill_null(DIRECT)})
    return found


_LOOKUPS = {
    DimensionKind.CHANNEL: ("channel_id", "channels", "key"),
    DimensionKind.CAMPAIGN: ("campaign_id", "campaigns", "name"),
    DimensionKind.OWNER: ("owner_id", "users", "email"),
}


def names(source: Source, kind: DimensionKind) -> ibis.Table:
    """The channels' keys, the campaigns' names or the owners' emails by id:
    `dimension_key` (the id), `dimension_value`."""
    _, table, column = _LOOKUPS[kind]
    rows = source.table(table)
    return rows.select(dimension_key=rows.id, dimension_value=rows[column])


def _traits(source: Source, by: Dimension) -> ibis.Table:
    contacts = source.table("contacts")
    value = _text_trait(source.backend.name, contacts.traits, by.name or "")
    return contacts.select(dimension_key=contacts.id, dimension_value=value)


def _text_trait(backend: str, traits: ibis.Value, name: str) -> ibis.Value:
    """The trait's value when it is a JSON string, else null, on whichever engine.

    Ibis reads a JSON string with `.str` on DuckDB and PostgreSQL; its SQLite
    version of `.str` is broken (it re-parses the extracted text), so there the
    text is taken where SQLite's own `typeof` says the extract is text.
    """
    if backend == "sqlite":
        value = traits[name]
        return ibis.ifelse(value.typeof() == "text", value.cast("string"), ibis.null("string"))
    if backend == "duckdb":
        return traits.cast("json")[name].str
    return traits[name].str


def _lookup(subjects: ibis.Table, key: str, lookup: ibis.Table, column: str) -> ibis.Table:
    joined = subjects.left_join(lookup, subjects[key] == lookup.dimension_key)
    return joined.drop("dimension_key").rename({column: "dimension_value"})
