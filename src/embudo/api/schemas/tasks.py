"""Follow-up tasks as the API shows and takes them."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from embudo.api.schemas.common import Closed
from embudo.domain.sla import TaskKind


class Task(BaseModel):
    id: int
    kind: str
    title: str
    contact_id: int | None
    contact: str | None
    owner: str | None
    due_at: datetime | None
    completed_at: datetime | None
    outcome: str | None


class NewTask(Closed):
    contact: str = Field(min_length=1, max_length=320, description="Contact id, email or user id")
    title: str = Field(min_length=1, max_length=200)
    kind: TaskKind = TaskKind.TODO
    due_at: AwareDatetime | None = None
    owner: str | None = Field(default=None, max_length=320, description="Else the contact's owner")


class Done(Closed):
    outcome: str = Field(min_length=1, max_length=200)


class TaskDone(BaseModel):
    id: int
    kind: str
    contact_id: int | None
    late_first_touch: bool = Field(description="A call, meeting or email past the first-touch SLA")


class TaskCreated(BaseModel):
    id: int
