"""Contacts as the API shows them: a list row, and one contact explained."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel

ContactPath = Annotated[
    str, Path(description="Contact id, email, user id or anonymous id", max_length=320)
]


class ContactSummary(BaseModel):
    id: int
    email: str | None
    stage: str
    stage_at: datetime
    score: float
    fit_score: float
    engagement_score: float
    channel: str | None
    owner: str | None
    first_seen_at: datetime
    last_seen_at: datetime


class RuleScore(BaseModel):
    """A scoring rule's share of the score: points as given and worth now after decay."""

    kind: str
    rule: str
    entries: int
    points: float
    worth_now: float


class Transition(BaseModel):
    """A lifecycle move and its cause: a rule (and definition version), an event, a person."""

    occurred_at: datetime
    from_stage: str | None
    to_stage: str
    move: str
    cause: str
    rule: str | None
    spec_version: int | None
    event: str | None
    actor: str | None
    reason: str | None


class TimelineEvent(BaseModel):
    id: int
    message_id: str
    type: str
    name: str
    occurred_at: datetime
    properties: dict[str, Any]
    channel: str | None


class ContactDetail(BaseModel):
    id: int
    email: str | None
    stage: str
    stage_at: datetime
    score: float
    fit_score: float
    engagement_score: float
    traits: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime
    score_rules: list[RuleScore]
    transitions: list[Transition]
    timeline: list[TimelineEvent]
