"""`/api/v1/leads/{contact}/…`: assign, accept, reject, recycle, disqualify, reopen.

The same engine calls as `embudo lead …`; the API key's name is recorded as
who made the move.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from sqlalchemy import Connection

from embudo.api.dependencies import ActorDep, NowDep, SessionDep, WritingDep
from embudo.api.problems import PROBLEMS, ProblemError, named_in_body
from embudo.api.schemas.contacts import ContactPath
from embudo.api.schemas.leads import Assignment, LeadAssigned, LeadMoved, Reason, Rejection
from embudo.domain.spec import MoveKind
from embudo.engine.assignment import assign_contact
from embudo.engine.handoff import Answered, accept_lead, reject_lead
from embudo.engine.moves import move_contact
from embudo.store.contacts import find_contact
from embudo.store.workspaces import Workspace

router = APIRouter(prefix="/api/v1/leads/{contact}", tags=["leads"], responses=PROBLEMS)


def _answered(answered: Answered) -> LeadMoved:
    return LeadMoved(
        contact_id=answered.contact_id,
        from_stage=answered.from_stage,
        to_stage=answered.to_stage,
        at=answered.at,
        late_first_touch=answered.late,
    )


@router.post("/assign")
def assign(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    contact: ContactPath,
    body: Assignment | None = None,
) -> LeadAssigned:
    """Give the contact an owner: the active user named in `to`, else whom the hand-off
    rules and the team's round-robin choose (409 if the team has no active user)."""
    find_contact(conn, workspace.id, contact)
    with named_in_body():
        made = assign_contact(
            conn, workspace, contact, to=body.to if body else None, actor=actor, now=now
        )
    if made is None:
        team = workspace.spec.handoff.team
        detail = (
            f"nobody to assign: team '{team}' has no active user — add one (POST /api/v1/users)"
        )
        raise ProblemError(409, "handoff.no_owner", detail)
    return LeadAssigned(contact_id=made.contact_id, owner=made.owner_email, rule=made.rule, at=now)


@router.post("/accept")
def accept(
    conn: SessionDep, workspace: WritingDep, actor: ActorDep, now: NowDep, contact: ContactPath
) -> LeadMoved:
    """Sales takes an MQL: it becomes sales-accepted (SAL)."""
    return _answered(accept_lead(conn, workspace, contact, at=now, actor=actor, now=now))


@router.post("/reject")
def reject(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    contact: ContactPath,
    body: Rejection,
) -> LeadMoved:
    """Sales hands an MQL back to marketing nurture, with one of the rejection reasons."""
    answered = reject_lead(
        conn, workspace, contact, reason=body.reason, at=now, actor=actor, now=now
    )
    return _answered(answered)


def _move(
    conn: Connection,
    workspace: Workspace,
    contact: str,
    kind: MoveKind,
    reason: str | None,
    actor: str,
    now: datetime,
) -> LeadMoved:
    from_stage, to_stage = move_contact(
        conn, workspace, contact, kind, at=now, actor=actor, reason=reason, now=now
    )
    contact_id = find_contact(conn, workspace.id, contact)
    return LeadMoved(contact_id=contact_id, from_stage=from_stage, to_stage=to_stage, at=now)


@router.post("/recycle")
def recycle(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    contact: ContactPath,
    body: Reason | None = None,
) -> LeadMoved:
    """Send the contact back to nurture, where the funnel definition allows it."""
    reason = body.reason if body else None
    return _move(conn, workspace, contact, MoveKind.RECYCLE, reason, actor, now)


@router.post("/disqualify")
def disqualify(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    contact: ContactPath,
    body: Reason | None = None,
) -> LeadMoved:
    """Take the contact out of the funnel."""
    reason = body.reason if body else None
    return _move(conn, workspace, contact, MoveKind.DISQUALIFY, reason, actor, now)


@router.post("/reopen")
def reopen(
    conn: SessionDep,
    workspace: WritingDep,
    actor: ActorDep,
    now: NowDep,
    contact: ContactPath,
    body: Reason | None = None,
) -> LeadMoved:
    """Bring a disqualified contact back."""
    reason = body.reason if body else None
    return _move(conn, workspace, contact, MoveKind.REOPEN, reason, actor, now)
