"""A contact's file as the contact page shows it: who, why this score and stage, what is open.

Everything comes from read models the CLI and the REST API use too:
`analytics.contacts.explain` (the score by rule, the moves with causes),
`analytics.timeline`, `analytics.deals.list_deals`, `analytics.tasks.list_tasks`.
Which of sales' actions apply is decided here from the funnel definition,
so the page offers only the moves the engine would accept from this stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from embudo.analytics.contacts import RuleScore, explain
from embudo.analytics.deals import DealFilter, list_deals
from embudo.analytics.tasks import TaskFilter, list_tasks
from embudo.analytics.timeline import timeline
from embudo.domain.lifecycle import effective_rank
from embudo.domain.spec import FunnelSpec
from embudo.store.contacts import reference_to
from embudo.store.users import list_users
from embudo.store.workspaces import Workspace
from embudo.web.names import contact_name
from embudo.web.navigation import N_
from embudo.web.state import View

EVENTS = 50
"""Timeline entries shown: the latest ones."""
MOVES = {
    "enter": N_("entered"),
    "qualify": N_("qualified"),
    "recycle": N_("recycled"),
    "disqualify": N_("disqualified"),
    "reopen": N_("reopened"),
    "deal": N_("deal opened"),
    "won": N_("deal won"),
    "accept": N_("accepted"),
    "reject": N_("rejected"),
}
"""Each kind of lifecycle move (`domain.lifecycle.MoveType`) as the page names it."""


@dataclass(frozen=True, slots=True)
class Dossier:
    contact: dict[str, Any]
    name: str
    owner: str | None
    rules: list[RuleScore]
    transitions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    deals: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    actions: frozenset[str]
    """Which of accept, reject, recycle, disqualify, reopen, deal apply to its stage."""
    users: list[str]


def read_dossier(view: View, workspace: Workspace, contact_id: int) -> Dossier:
    """The contact's file (a `NotFound` when the workspace has no such contact)."""
    with view.state.engine.connect() as conn:
        reference = reference_to(conn, workspace.id, contact_id)
        explained = explain(conn, workspace.id, reference, view.now)
        contact = dict(explained.contact._mapping)
        found = contact["id"]
        people = list_users(conn, workspace.id)
        deals = list_deals(conn, workspace.id, DealFilter(contact_id=found))
        tasks = list_tasks(conn, workspace.id, TaskFilter(contact_id=found), view.now)
        events = timeline(conn, found, EVENTS)
    emails = {user["id"]: user["email"] for user in people}
    return Dossier(
        contact=contact,
        name=contact_name(contact["traits"], contact["email"], found),
        owner=emails.get(contact["owner_id"]),
        rules=explained.rules,
        transitions=[dict(row._mapping) for row in reversed(explained.transitions)],
        events=events,
        deals=deals,
        tasks=tasks,
        actions=actions(workspace.spec, contact["stage"]),
        users=[user["email"] for user in people if user["active"]],
    )


def actions(spec: FunnelSpec, stage: str) -> frozenset[str]:
    """The sales actions the funnel definition allows from `stage`."""
    allowed = {kind.value for kind, move in spec.lifecycle.moves.items() if stage in move.from_}
    if stage == spec.handoff.stage:
        allowed |= {"accept", "reject"}
    if spec.pipelines and effective_rank(spec, stage) is not None:
        allowed.add("deal")
    return frozenset(allowed)
