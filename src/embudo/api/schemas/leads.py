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
