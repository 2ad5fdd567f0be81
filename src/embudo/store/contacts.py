"""Finding a contact by any of the names people know it by."""

from __future__ import annotations

from sqlalchemy import Connection, select

from embudo.domain.errors import NotFound
from embudo.store.tables import contacts, identities


def find_contact(conn: Connection, workspace_id: int, reference: str) -> int:
    """A contact by id, user id, email or anonymous id; merged contacts lead to their survivor."""
    by_identity = select(identities.c.contact_id).where(
        identities.c.workspace_id == workspace_id,
        identities.c.value.in_([reference, reference.strip().lower()]),
    )
    found = conn.scalar(by_identity.limit(1))
    if found is None and reference.isdigit():
        found = conn.scalar(
            select(contacts.c.id).where(
                contacts.c.workspace_id == workspace_id, contacts.c.id == int(reference)
            )
        )
    if found is None:
        raise NotFound(f"no contact '{reference}' — give a contact id, user id or email")
    survivor = conn.scalar(select(contacts.c.merged_into_id).where(contacts.c.id == found))
    return int(survivor or found)
