"""What intake kept aside, what waits to leave, what a scheduled check did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class DeadLetter(BaseModel):
    """A message intake refused, kept as it came with why."""

    id: int
    message_id: str | None
    source: str | None
    payload: str = Field(description="The message as received")
    reason: str
    received_at: datetime


class OutboxMessage(BaseModel):
    """A notification a playbook queued (`notify`), delivered or waiting."""

    id: int
    topic: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None = Field(description="Null while pending")
    payload: dict[str, Any]


class PlaybookRun(BaseModel):
    playbook: str
    subject: str
    trigger: str
    outcomes: list[str]


class RotCheck(BaseModel):
    rotting: int = Field(description="Open deals past their stage's rotting_days now")
    runs: list[PlaybookRun] = Field(description="The `deal_rots` playbook runs this check started")
