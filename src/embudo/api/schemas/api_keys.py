"""API keys over HTTP: never the secret, except once in the answer to creating one."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from embudo.api.schemas.common import Closed
from embudo.domain.access import Role


class ApiKeyOut(BaseModel):
    id: int
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None


class NewApiKey(Closed):
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.INTAKE


class IssuedApiKey(BaseModel):
    id: int
    name: str
    role: Role
    secret: str = Field(description="Shown this once: only its digest is stored")
