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
    number = _as_id(reference)
    if found is None and number is not None:
        found = conn.scalar(
            select(contacts.c.id).where(
                contacts.c.workspace_id == workspace_id, contacts.c.id == number
            )
        )
    if found is None:
        raise NotFound(f"no contact '{reference}' — give a contact id, user id or email")
    survivor = conn.scalar(select(contacts.c.merged_into_id).where(contacts.c.id == found))
    return int(survivor or found)


LARGEST_ID = 2**63 - 1


def _as_id(reference: str) -> int | None:
    """The id `reference` spells in ASCII digits, if it can be one: `¹` is a digit to
    `str.isdigit` but not to `int`, and a number past a 64-bit id is no row's id."""
    if not (reference.isascii() and reference.isdigit()):
        return None
    number = int(reference)
    return number if number <= LARGEST_ID else None


def reference_to(conn: Connection, workspace_id: int, contact_id: int) -> str:
    """A reference `find_contact` resolves to `contact_id`: its id, else one of its identities.

    An identity is looked up before an id, so the id of a contact is not a
    safe reference when another contact's user id is that same number
    (imports of CRMs with numeric ids): pages that link by id use this.
    """
    own = conn.scalars(
        select(identities.c.value).where(
            identities.c.workspace_id == workspace_id, identities.c.contact_id == contact_id
        )
    )
    for candidate in (str(contact_id), *own):
        if find_contact(conn, workspace_id, str(candidate)) == contact_id:
            return str(candidate)
    return str(contact_id)
