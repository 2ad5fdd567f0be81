"""A contact list's current members."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Member(BaseModel):
    contact_id: int
    email: str | None
    stage: str
    added_at: datetime
    cause: str


class ContactList(BaseModel):
    key: str
    members: list[Member]
