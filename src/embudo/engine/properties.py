"""Setting a contact property from inside embudo, as history the profile fold keeps.

`contacts.traits` is a cache folded from the contact's identify messages
(`embudo.domain.profile`), and the funnel engine rewrites it from that fold
after every batch. A property written only to the cache would vanish at the
contact's next message, so it is recorded the way traits always arrive: as a
synthetic `identify` event (message id given by the caller, no anonymous or
user id), dated at the moment it was set. The fold then keeps it, a later
identify overrides it as any newer trait would, conditions see it from that
moment, and the event explains where the value came from. The cache is
brought in line at once by folding the contact's trait events again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from embudo.domain.conditions import Occurrence
from embudo.domain.profile import profile
from embudo.store.tables import contacts, events

IDENTIFY = "identify"


def set_trait(
    conn: Connection,
    workspace_id: int,
    contact_id: int,
    name: str,
    value: Any,
    *,
    message_id: str,
    at: datetime,
    now: datetime,
) -> None:
    """Record `name = value` (None removes it) at `at`, and refresh that cached trait."""
    conn.execute(
        insert(events).values(
            workspace_id=workspace_id,
            message_id=message_id,
            type=IDENTIFY,
            name=IDENTIFY,
            contact_id=contact_id,
            occurred_at=at,
            received_at=now,
            properties={name: value},
        )
    )
    _refresh(conn, contact_id, name)


def _refresh(conn: Connection, contact_id: int, name: str) -> None:
    """Set the cached trait to what the fold of all identify events says (a newer one wins)."""
    rows = conn.execute(
        select(events.c.occurred_at, events.c.properties)
        .where(events.c.contact_id == contact_id, events.c.name == IDENTIFY)
        .order_by(events.c.occurred_at, events.c.id)
    )
    folded = profile([Occurrence(IDENTIFY, row.occurred_at, row.properties) for row in rows])
    cached = dict(conn.scalar(select(contacts.c.traits).where(contacts.c.id == contact_id)) or {})
    if name in folded.traits:
        cached[name] = folded.traits[name]
    else:
        cached.pop(name, None)
    conn.execute(update(contacts).where(contacts.c.id == contact_id).values(traits=cached))
