"""Sales' and marketing's moves on a lead."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from embudo.api.schemas.common import Closed


class Rejection(Closed):
    reason: str = Field(min_length=1, max_length=100, description="One of `rejection_reasons`")


class Reason(Closed):
    reason: str | None = Field(default=None, max_length=500)


class LeadMoved(BaseModel):
    contact_id: int
    from_stage: str
    to_stage: str
    at: datetime
    late_first_touch: bool = Field(
        default=False, description="The answer came after the first-touch SLA: a breach recorded"
    )


class Assignment(Closed):
    to: str | None = Field(
        default=None,
        max_length=320,
        description="An active user's email; else the hand-off rules and round-robin",
    )


class LeadAssigned(BaseModel):
    contact_id: int
    owner: str = Field(description="The new owner's email")
    rule: str = Field(description="`manual`, an assignment rule's key, or the round-robin")
    at: datetime


class QueuedLead(BaseModel):
    """An MQL waiting on sales, as `embudo queue --format json` prints it."""

    contact: int = Field(description="The contact's id")
    email: str | None
    owner: str | None
    mql_since: datetime
    age_hours: float
    due_at: datetime | None = Field(description="When the first touch is due, if an SLA is set")
    status: str = Field(description="`unassigned`, `overdue` or both, comma-separated")


class SlaChecked(BaseModel):
    recorded: int = Field(description="New first-touch breaches recorded by this check")
    first_touch_hours: float | None = Field(description="The SLA; null if the funnel sets none")
