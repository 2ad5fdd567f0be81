"""Sales' actions on a contact: accept, reject, recycle, disqualify, reopen, open a deal.

Each is the engine call the CLI and the REST API make (`engine.handoff`,
`engine.moves`, `engine.deals`), in one transaction, recorded as made by
`web`. What a person can get wrong in the form (no reason, an amount that is
not a number) is checked first and sent back beside its field; what only
the engine can judge (a move the definition does not allow) is sent back as
the refusal's message. Either way nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from embudo.domain.deals import DealSource, check_currency, parse_amount
from embudo.domain.errors import EmbudoError, InvalidInput, NotFound
from embudo.domain.handoff import rejection_reasons
from embudo.domain.spec import MoveKind
from embudo.engine.deals import create_deal
from embudo.engine.handoff import accept_lead, reject_lead
from embudo.engine.moves import move_contact
from embudo.store.contacts import reference_to
from embudo.store.workspaces import Workspace
from embudo.web.access import ViewDep
from embudo.web.forms import Form, FormDep, FormRejected, RowId
from embudo.web.navigation import N_
from embudo.web.page_route import PageRoute
from embudo.web.pages.contact import Outcome, contact_response
from embudo.web.state import View
from embudo.web.writing import writing

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Action = Callable[[Connection, Workspace], str]
"""Does the action in the transaction; returns the message (an `N_` text) that says so."""

CHOOSE_REASON = N_("Choose a reason.")
UNKNOWN_REASON = N_("Choose one of the reasons listed.")
SAY_WHY = N_("Say why, in a few words.")
TOO_LONG = N_("Keep it under 200 characters.")
NEED_AMOUNT = N_("Enter the deal's amount.")
BAD_AMOUNT = N_("Write the amount as a number of 0 or more, like 1200.50.")
BAD_CURRENCY = N_("Use a three-letter currency code, like EUR.")
UNKNOWN_PIPELINE = N_("Choose one of the pipelines listed.")
MAX_REASON = 200


@router.post("/leads/{contact_id}/{action}", response_class=HTMLResponse)
def act(view: ViewDep, form: FormDep, contact_id: RowId, action: str) -> Response:
    """Run `action` on the contact; the page body again, with the outcome."""
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise NotFound(f"no action '{action}' — one of: {', '.join(ACTIONS)}")
    outcome = Outcome(form=action, values=form.fields)
    try:
        with writing(view) as (conn, workspace):
            reference = reference_to(conn, workspace.id, contact_id)
            outcome.done = chosen(view, form, reference)(conn, workspace)
    except FormRejected as rejected:
        outcome.errors = {action: rejected.errors}
    except EmbudoError as error:
        outcome.refused = str(error)
    if outcome.done and not view.partial:
        return RedirectResponse(f"/leads/{contact_id}", status_code=303)
    return contact_response(view, contact_id, outcome, status=200 if outcome.done else 422)


def _accept(view: View, form: Form, reference: str) -> Action:
    def run(conn: Connection, workspace: Workspace) -> str:
        accept_lead(conn, workspace, reference, at=view.now, actor=view.actor, now=view.now)
        return N_("Accepted: the lead is sales-accepted now.")

    return run


def _reject(view: View, form: Form, reference: str) -> Action:
    def run(conn: Connection, workspace: Workspace) -> str:
        reason = _listed(form.text("reason"), [r.key for r in rejection_reasons(workspace.spec)])
        now = view.now
        reject_lead(conn, workspace, reference, reason=reason, at=now, actor=view.actor, now=now)
        return N_("Rejected: the lead went back to marketing nurture.")

    return run


def _move(kind: MoveKind, done: str, *, reason_needed: bool) -> Callable[[View, Form, str], Action]:
    def action(view: View, form: Form, reference: str) -> Action:
        def run(conn: Connection, workspace: Workspace) -> str:
            reason = _why(form.text("reason"), needed=reason_needed)
            now = view.now
            move_contact(
                conn, workspace, reference, kind, at=now, actor=view.actor, reason=reason, now=now
            )
            return done

        return run

    return action


def _deal(view: View, form: Form, reference: str) -> Action:
    def run(conn: Connection, workspace: Workspace) -> str:
        pipeline = form.text("pipeline")
        if pipeline not in workspace.spec.pipelines:
            raise FormRejected({"pipeline": UNKNOWN_PIPELINE})
        amount, currency = _money(form.text("amount"), form.text("currency"))
        create_deal(
            conn,
            workspace,
            reference,
            pipeline=pipeline,
            amount=amount,
            currency=currency,
            owner_email=form.optional("owner"),
            title=form.text("title")[:300],
            actor=view.actor,
            source=DealSource.WEB,
            now=view.now,
        )
        return N_("Deal opened: the contact is an opportunity.")

    return run


def _listed(reason: str, keys: list[str]) -> str:
    if not reason:
        raise FormRejected({"reason": CHOOSE_REASON})
    if reason not in keys:
        raise FormRejected({"reason": UNKNOWN_REASON})
    return reason


def _why(reason: str, *, needed: bool) -> str | None:
    if needed and not reason:
        raise FormRejected({"reason": SAY_WHY})
    if len(reason) > MAX_REASON:
        raise FormRejected({"reason": TOO_LONG})
    return reason or None


def _money(amount: str, currency: str) -> tuple[Decimal, str | None]:
    """The amount and currency as typed, each checked by the domain's rules."""
    errors = {}
    if not amount:
        errors["amount"] = NEED_AMOUNT
    else:
        try:
            parsed = parse_amount(amount, "amount")
        except InvalidInput:
            errors["amount"] = BAD_AMOUNT
    try:
        code = check_currency(currency, "currency") if currency else None
    except InvalidInput:
        errors["currency"] = BAD_CURRENCY
    if errors:
        raise FormRejected(errors)
    return parsed, code


ACTIONS: dict[str, Callable[[View, Form, str], Action]] = {
    "accept": _accept,
    "reject": _reject,
    "recycle": _move(MoveKind.RECYCLE, N_("Recycled: back to nurture."), reason_needed=False),
    "disqualify": _move(
        MoveKind.DISQUALIFY, N_("Disqualified: out of the funnel."), reason_needed=True
    ),
    "reopen": _move(MoveKind.REOPEN, N_("Reopened: back in the funnel."), reason_needed=False),
    "deal": _deal,
}
