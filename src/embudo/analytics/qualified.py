"""Qualified leads: each entry into the hand-off stage (`handoff.stage`, default `mql`).

An entry is one `lifecycle_transitions` row into that stage, so a contact
recycled or rejected and qualified again counts once per entry — marketing
delivered it twice. Entries carry their contact's first-touch channel and
campaign and current owner, the columns `dimensions.with_dimension` groups by.
"""

from __future__ import annotations

import ibis

from embudo.analytics.source import Source


def mql_entries(source: Source) -> ibis.Table:
    """Columns: entry_id, contact_id, occurred_at, channel_id, campaign_id, owner_id."""
    moves = source.table("lifecycle_transitions")
    entries = moves.filter(moves.to_stage == source.spec.handoff.stage).select(
        entry_id=moves.id, contact_id=moves.contact_id, occurred_at=moves.occurred_at
    )
    return entries.join(contact_touch(source), "contact_id")


def contact_touch(source: Source) -> ibis.Table:
    """Each contact's first-touch channel and campaign and its current owner."""
    contacts = source.table("contacts")
    return contacts.select("channel_id", "campaign_id", "owner_id", contact_id=contacts.id)
