"""The funnel definition over HTTP: YAML text in, the version in force out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from embudo.api.schemas.common import Closed

MAX_YAML = 512 * 1024


class Draft(Closed):
    """A funnel definition as `embudo.yaml` text: problems are reported with its lines."""

    yaml: str = Field(min_length=1, max_length=MAX_YAML)


class FunnelVersion(BaseModel):
    version: int
    applied_at: datetime
    applied_by: str | None
    yaml: str = Field(description="The text as applied")
    document: dict[str, Any]


class Checked(BaseModel):
    """A valid definition, tried on the data: the version it would be (nothing applied)."""

    version: int
    changed: bool
    applied: bool
