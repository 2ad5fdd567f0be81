"""Qualified leads: each entry into the hand-off stage (`handoff.stage`, default `mql`).

An entry is one `lifecycle_transitions` row into that stage, so a contact
recycled or rejected and qualified again counts once per entry — marketing
delivered it twice. Entries can carry their contact's first-touch channel
and campaign and current owner, the columns `dimensions.with_dimension`
groups by; a report that does not group by them leaves the contact unread.
"""

from __future__ import annotations

import ibis

from embudo.analytics.dimensions import with_dimension
from embudo.analytics.params import Dimension, DimensionKind
from embudo.analytics.source import Source


def mql_entries(source: Source) -> ibis.Table:
    """Columns: entry_id, contact_id, occurred_at."""
    moves = source.table("lifecycle_transitions")
    return moves.filter(moves.to_stage == source.spec.handoff.stage).select(
        entry_id=moves.id, contact_id=moves.contact_id, occurred_at=moves.occurred_at
    )


def entries_by(
    source: Source, by: Dimension | None, entries: ibis.Table | None = None
) -> ibis.Table:
    """`entries` (`mql_entries` by default) with the column `--by` groups them by (none
    without one).

    The contact is looked up only when grouping by something of its own: every
    entry has its contact, so the lookup changes nothing else, and at full size
    it is 600,000 lookups for nothing.
    """
    found = mql_entries(source) if entries is None else entries
    if by is None or by.kind is DimensionKind.MONTH:
        return found
    return with_dimension(source, found.join(contact_touch(source), "contact_id"), by)


def contact_touch(source: Source) -> ibis.Table:
    """Each contact's first-touch channel and campaign and its current owner."""
    contacts = source.table("contacts")
    return contacts.select("channel_id", "campaign_id", "owner_id", contact_id=contacts.id)
