"""The people who own leads and deals, as the API shows and takes them (no sign-in here)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from embudo.api.schemas.common import Closed


class User(BaseModel):
    id: int
    email: str
    name: str
    team: str
    role: str
    active: bool = Field(description="Only active users are given leads and deals")
    signs_in: bool = Field(description="Has a password to sign in to the dashboard")


class NewUser(Closed):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(default="", max_length=200)
    team: str = Field(default="sales", max_length=20, description="A key, e.g. sales or front_desk")
