"""A sales desk in the demo workspace, made through the engine: a rep, MQLs, open deals.

The demo year's state depends on its random journeys; the pages of sales
(board, contact page) are tested on people added here, whose stage and
deals are known: `mql-N@desk.example` are MQLs waiting on sales, and
`deal-N@desk.example` are leads with an open deal each in the pipeline's
first stage, owned by the rep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from web_support import WORKSPACE

from embudo.domain.deals import DealSource
from embudo.engine.deals import create_deal
from embudo.engine.ingest import ingest
from embudo.engine.intake import read_payload
from embudo.engine.users import add_user
from embudo.store.contacts import find_contact
from embudo.store.tables import deal_stage_history, lifecycle_transitions
from embudo.store.workspaces import open_workspace

REP = "rita@desk.example"
MQL_EVENTS = ("webinar_registered", "webinar_watched")


@dataclass(frozen=True, slots=True)
class Desk:
    mqls: list[str]
    deals: list[int]
    contacts: dict[str, int]
    """Each desk email's contact id."""


def sales_desk(
    engine: Engine, now: datetime, *, mqls: int = 2, deals: int = 3, days_ago: int = 1
) -> Desk:
    """Add the rep, `mqls` MQLs and `deals` leads with an open deal each, `days_ago` ago."""
    at = now - timedelta(days=days_ago)
    with engine.begin() as conn:
        add_user(conn, open_workspace(conn, WORKSPACE).id, REP, name="Rita", now=at)
    mql_emails = [f"mql-{n}@desk.example" for n in range(mqls)]
    deal_emails = [f"deal-{n}@desk.example" for n in range(deals)]
    messages = [m for email in mql_emails for m in _journey(email, at, *MQL_EVENTS)]
    messages += [m for email in deal_emails for m in _journey(email, at)]
    ingest(engine, WORKSPACE, [read_payload("desk", m) for m in messages], now=at)
    with engine.begin() as conn:
        workspace = open_workspace(conn, WORKSPACE)
        opened = [_deal(conn, workspace, email, at) for email in deal_emails]
    return Desk(mql_emails, opened, _ids(engine, mql_emails + deal_emails))


def _journey(email: str, at: datetime, *events: str) -> list[dict[str, Any]]:
    user = email.split("@")[0]
    first = {
        "type": "identify",
        "messageId": f"{user}-identify",
        "userId": user,
        "traits": {"email": email, "name": user.replace("-", " ").title()},
        "timestamp": at.isoformat(),
    }
    tracks = [
        {
            "type": "track",
            "messageId": f"{user}-{index}",
            "userId": user,
            "event": name,
            "timestamp": (at + timedelta(minutes=index)).isoformat(),
        }
        for index, name in enumerate(events, start=1)
    ]
    return [first, *tracks]


def _deal(conn: Any, workspace: Any, email: str, at: datetime) -> int:
    pipeline = next(iter(workspace.spec.pipelines))
    return create_deal(
        conn,
        workspace,
        email,
        pipeline=pipeline,
        amount=Decimal("1250.50"),
        owner_email=REP,
        actor="test",
        source=DealSource.CLI,
        now=at,
    )


def _ids(engine: Engine, emails: list[str]) -> dict[str, int]:
    with engine.connect() as conn:
        workspace = open_workspace(conn, WORKSPACE)
        return {email: find_contact(conn, workspace.id, email) for email in emails}


def deal_moves(engine: Engine, deal_id: int) -> list[tuple[str | None, str, str, str]]:
    """The deal's history rows: (from, to, source, actor), oldest first."""
    h = deal_stage_history
    query = select(h.c.from_stage, h.c.to_stage, h.c.source, h.c.actor)
    with engine.connect() as conn:
        rows = conn.execute(query.where(h.c.deal_id == deal_id).order_by(h.c.id)).all()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def contact_moves(engine: Engine, contact_id: int) -> list[tuple[str | None, str, str]]:
    """The contact's lifecycle transitions: (from, to, move), oldest first."""
    t = lifecycle_transitions
    query = select(t.c.from_stage, t.c.to_stage, t.c.move)
    with engine.connect() as conn:
        rows = conn.execute(query.where(t.c.contact_id == contact_id).order_by(t.c.id)).all()
    return [(row[0], row[1], row[2]) for row in rows]
