"""Deals as the API shows and takes them. Money is a decimal string ("1200.50")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from embudo.api.schemas.common import Closed

Key = Field(min_length=1, max_length=64)


class DealSummary(BaseModel):
    id: int
    contact: str
    pipeline: str
    stage: str
    status: str
    amount: Decimal
    currency: str
    owner: str | None
    close_on: date | None
    channel: str | None
    purchase: str | None = Field(description="first or repeat, for won deals")
    stage_at: datetime


class StageChange(BaseModel):
    occurred_at: datetime
    from_stage: str | None
    to_stage: str
    actor: str | None
    source: str
    reason: str | None
    spec_version: int | None


class DealDetail(DealSummary):
    title: str
    company: str | None
    campaign: str | None
    referred_by: str | None
    loss_reason: str | None
    closed_at: datetime | None
    created_at: datetime
    created_by: str
    history: list[StageChange]


class NewDeal(Closed):
    contact: str = Field(min_length=1, max_length=320, description="Contact id, email or user id")
    pipeline: str = Key
    stage: str | None = Field(default=None, min_length=1, max_length=64)
    amount: Decimal = Field(ge=0, max_digits=18, decimal_places=4)
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    owner: str | None = Field(default=None, max_length=320, description="An active user's email")
    close_on: date | None = None
    title: str = Field(default="", max_length=300)
    referred_by: str | None = Field(default=None, max_length=320)


class DealChanges(Closed):
    """Only the fields sent change; `owner` or `close_on` null clears it."""

    title: str | None = Field(default=None, max_length=300)
    amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=4)
    owner: str | None = Field(default=None, max_length=320)
    close_on: date | None = None


class DealMove(Closed):
    stage: str = Key
    reason: str | None = Field(default=None, max_length=500)


class DealWon(Closed):
    stage: str | None = Field(default=None, min_length=1, max_length=64)


class DealLost(Closed):
    reason: str = Field(min_length=1, max_length=64, description="One of `loss_reasons`")
    stage: str | None = Field(default=None, min_length=1, max_length=64)
    recycle: bool = Field(default=False, description="Send the contact back to nurture")
