"""Building blocks for deal tests: a funnel with a pipeline, contacts ready for deals, dumps.

Reuses `funnel_support` for the funnel and messages; adds the seeds' clinic
pipeline, loss reasons, a sales rep, and a dump that also covers deals,
their history and users, so a refused command can be shown to change nothing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from funnel_support import (
    NOW,
    at,
    dump,
    feed,
    identify,
    install,
    page,
    spec_document,
    workspace,
)
from sqlalchemy import Engine, select

from embudo.domain.deals import DealSource
from embudo.engine.deals import create_deal
from embudo.engine.users import add_user
from embudo.store.tables import deal_stage_history, deals, users

TREATMENT = {
    "label": "Treatment",
    "currency": "EUR",
    "stages": [
        {"key": "first_consultation", "probability": 0.2, "rotting_days": 7},
        {"key": "diagnosis", "probability": 0.4},
        {"key": "quote", "probability": 0.6},
        {"key": "treatment_started", "probability": 1, "kind": "won"},
        {"key": "treatment_not_started", "probability": 0, "kind": "lost"},
    ],
}
ADMISSIONS = {
    "currency": "EUR",
    "stages": [
        {"key": "info_session", "probability": 0.2},
        {"key": "enrolled", "probability": 1, "kind": "won"},
        {"key": "not_enrolled", "probability": 0, "kind": "lost"},
    ],
}
LOSS_REASONS = [{"key": "price"}, {"key": "timing"}, {"key": "competitor"}]
REP = "rep@example.com"


def deal_document(**sections: Any) -> dict[str, Any]:
    """The seeds' funnel with a clinic and a university pipeline and loss reasons."""
    document = spec_document(
        pipelines={"treatment": TREATMENT, "admissions": ADMISSIONS}, loss_reasons=LOSS_REASONS
    )
    document.update(sections)
    return document


def ready(store: Engine, *people: str) -> None:
    """Install the deal funnel, a sales rep, and each person as a lead (`<name>@example.com`)."""
    install(store, deal_document())
    messages = [
        page("p-ana", at(0), anon="a-ana"),
        *(identify(f"i-{name}", at(1), user=name, email=f"{name}@example.com") for name in people),
    ]
    feed(store, messages)
    with store.begin() as conn:
        add_user(conn, workspace(store).id, REP, name="Rep", now=NOW)


def new_deal(
    store: Engine,
    person: str = "ana",
    *,
    day: float = 10,
    amount: str = "1200.50",
    pipeline: str = "treatment",
    **options: Any,
) -> int:
    ws = workspace(store)
    with store.begin() as conn:
        return create_deal(
            conn,
            ws,
            person,
            pipeline=pipeline,
            amount=Decimal(amount),
            actor=REP,
            source=DealSource.CLI,
            now=NOW,
            at=at(day),
            **options,
        )


def deal_row(store: Engine, deal_id: int) -> Any:
    with store.connect() as conn:
        return conn.execute(select(deals).where(deals.c.id == deal_id)).one()


def history_of(store: Engine, deal_id: int) -> list[Any]:
    h = deal_stage_history
    with store.connect() as conn:
        return list(
            conn.execute(
                select(h).where(h.c.deal_id == deal_id).order_by(h.c.occurred_at, h.c.id)
            ).all()
        )


def moves(store: Engine, deal_id: int) -> list[tuple[str | None, str, datetime]]:
    """(from, to, when) of a deal's history."""
    return [(row.from_stage, row.to_stage, row.occurred_at) for row in history_of(store, deal_id)]


def full_dump(store: Engine) -> dict[str, Any]:
    """`funnel_support.dump` plus deals, their history and users, row ids included."""
    with store.connect() as conn:
        extra = {
            table.name: sorted(
                (tuple(row._mapping.items()) for row in conn.execute(select(table))), key=repr
            )
            for table in (deals, deal_stage_history, users)
        }
    return {**dump(store), **extra}


def deal_violations(store: Engine) -> list[str]:
    """Deals whose cached stage is not the `to_stage` of their last history row."""
    with store.connect() as conn:
        rows = list(conn.execute(select(deals.c.id, deals.c.stage)))
    found = []
    for deal_id, stage in rows:
        last = history_of(store, deal_id)[-1].to_stage
        if last != stage:
            found.append(f"deal {deal_id}: stage {stage!r}, last history row to {last!r}")
    return found
