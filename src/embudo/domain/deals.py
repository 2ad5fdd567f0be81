"""Deals in a sales pipeline: where a deal may go, and what closing it means.

A pipeline is the rep's view of the sale: open stages in any order, then a
won or lost stage. A deal moves freely between the open stages of its own
pipeline, and closes only through a stage of the closing kind — `win` and
`lose` — so that every loss carries a reason from the workspace's list and
every win can make its contact a customer. A lost deal can be reopened by
moving it to an open stage; a won deal is final (money changed hands: a new
purchase is a new deal, which is how repeat purchases are counted).

What a deal does to the contact's lifecycle is decided here too: a new deal
lifts a contact below the opportunity stage to it, so the funnel and the
pipeline agree; a won deal makes a contact not yet a customer one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from babel.numbers import list_currencies

from embudo.domain.errors import InvalidInput, MoveNotAllowed, NotFound
from embudo.domain.lifecycle import effective_rank
from embudo.domain.spec import FunnelSpec, Pipeline, PipelineStage, PipelineStageKind

OPEN = PipelineStageKind.OPEN
WON = PipelineStageKind.WON
LOST = PipelineStageKind.LOST

MONEY_PLACES = 4
MONEY_LIMIT = Decimal(10) ** 14
"""What the `Money` column holds exactly: NUMERIC(18, 4)."""


class DealSource(StrEnum):
    """From where a deal was created or moved: kept with every stage-history row."""

    CLI = "cli"
    API = "api"
    WEB = "web"
    """The dashboard: a person in a browser (the board, a contact page)."""
    PLAYBOOK = "playbook"
    IMPORT = "import"
    SPEC = "spec"
    """A stage removed from the funnel definition, its deals moved as `moved_stages` says."""


@dataclass(frozen=True, slots=True)
class DealPosition:
    """Where a deal stands, as the rules need to see it."""

    id: int
    pipeline: str
    stage: str
    status: PipelineStageKind


@dataclass(frozen=True, slots=True)
class DealMove:
    """A planned stage change; `from_stage` is None when the deal is created."""

    from_stage: str | None
    to_stage: str
    status: PipelineStageKind


def pipeline_of(spec: FunnelSpec, key: str) -> Pipeline:
    """The pipeline named `key`, or which ones there are."""
    if key not in spec.pipelines:
        known = ", ".join(spec.pipelines) or "none — add one under pipelines in embudo.yaml"
        raise NotFound(f"no pipeline '{key}' (pipelines: {known})")
    return spec.pipelines[key]


def opening(spec: FunnelSpec, pipeline: str, stage: str | None, subject: str) -> DealMove:
    """Where a new deal starts: the named open stage, else the pipeline's first open one."""
    found = pipeline_of(spec, pipeline)
    if stage is None:
        first = next(s for s in found.stages if s.kind is OPEN)
        return DealMove(None, first.key, OPEN)
    target = _stage_in(found, pipeline, stage, subject)
    if target.kind is not OPEN:
        raise MoveNotAllowed(
            f"{subject}: stage '{stage}' is a {target.kind} stage — a deal starts in an open "
            f"stage ({', '.join(_keys(found, OPEN))}), then is closed as won or lost"
        )
    return DealMove(None, target.key, OPEN)


def move(spec: FunnelSpec, deal: DealPosition, stage: str) -> DealMove:
    """Move a deal between the open stages of its pipeline, forward or back.

    Moving a lost deal to an open stage reopens it; a won deal is final.
    """
    subject = f"deal {deal.id}"
    target = _stage_in(pipeline_of(spec, deal.pipeline), deal.pipeline, stage, subject)
    if deal.status is WON:
        raise MoveNotAllowed(
            f"{subject} is won (stage '{deal.stage}'), which is final — "
            "record a new purchase as a new deal"
        )
    if target.kind is not OPEN:
        reason = " --reason R" if target.kind is LOST else ""
        raise MoveNotAllowed(
            f"{subject}: stage '{stage}' closes the deal as {target.kind} — "
            f"close it with: embudo deal {target.kind} {deal.id}{reason} --stage {stage}"
        )
    if target.key == deal.stage:
        raise InvalidInput(f"{subject} is already in stage '{stage}'")
    return DealMove(deal.stage, target.key, OPEN)


def win(spec: FunnelSpec, deal: DealPosition, stage: str | None = None) -> DealMove:
    """Close an open deal as won: the named won stage, else the pipeline's first."""
    return _close(spec, deal, WON, stage)


def lose(spec: FunnelSpec, deal: DealPosition, reason: str, stage: str | None = None) -> DealMove:
    """Close an open deal as lost, with a reason from the workspace's `loss_reasons`."""
    reasons = [item.key for item in spec.loss_reasons]
    if reason not in reasons:
        known = ", ".join(reasons) or "none — add loss_reasons to embudo.yaml"
        raise InvalidInput(f"deal {deal.id}: unknown loss reason '{reason}' (reasons: {known})")
    return _close(spec, deal, LOST, stage)


def _close(
    spec: FunnelSpec, deal: DealPosition, kind: PipelineStageKind, stage: str | None
) -> DealMove:
    subject = f"deal {deal.id}"
    found = pipeline_of(spec, deal.pipeline)
    if deal.status is not OPEN:
        advice = (
            "a won deal is final"
            if deal.status is WON
            else f"reopen it first: embudo deal move {deal.id} STAGE"
        )
        raise MoveNotAllowed(
            f"{subject} is already closed ({deal.status} in stage '{deal.stage}') — {advice}"
        )
    if stage is None:
        return DealMove(deal.stage, _keys(found, kind)[0], kind)
    target = _stage_in(found, deal.pipeline, stage, subject)
    if target.kind is not kind:
        raise MoveNotAllowed(
            f"{subject}: stage '{stage}' is not a {kind} stage of pipeline '{deal.pipeline}' "
            f"({kind} stages: {', '.join(_keys(found, kind))})"
        )
    return DealMove(deal.stage, target.key, kind)


def _stage_in(pipeline: Pipeline, key: str, stage: str, subject: str) -> PipelineStage:
    found = next((s for s in pipeline.stages if s.key == stage), None)
    if found is None:
        stages = ", ".join(s.key for s in pipeline.stages)
        raise MoveNotAllowed(
            f"{subject}: stage '{stage}' is not in pipeline '{key}' (stages: {stages})"
        )
    return found


def _keys(pipeline: Pipeline, kind: PipelineStageKind) -> list[str]:
    return [stage.key for stage in pipeline.stages if stage.kind is kind]


def parse_amount(text: str, subject: str) -> Decimal:
    """An amount as a person types it (`1200.50`), checked like any other."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput(
            f"{subject}: amount '{text}' is not a number — write it like 1200.50"
        ) from None
    return check_amount(amount, subject)


def check_amount(amount: Decimal, subject: str) -> Decimal:
    """A deal's value: finite, zero or more, and exactly what the store can hold."""
    if not amount.is_finite():
        raise InvalidInput(f"{subject}: amount '{amount}' is not a number — write it like 1200.50")
    if amount < 0:
        raise InvalidInput(f"{subject}: amount {amount} is negative — a deal is worth 0 or more")
    if amount >= MONEY_LIMIT or _places(amount) > MONEY_PLACES:
        raise InvalidInput(
            f"{subject}: amount {amount} cannot be stored exactly — at most "
            f"{MONEY_PLACES} decimals and below {MONEY_LIMIT:,}"
        )
    return amount


def _places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def check_currency(code: str, subject: str) -> str:
    """A currency as its ISO 4217 code, upper case."""
    upper = code.strip().upper()
    if upper not in _currencies():
        raise InvalidInput(
            f"{subject}: unknown currency '{code}' — give a 3-letter ISO 4217 code "
            "such as EUR, USD or GBP"
        )
    return upper


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def customer_stage(spec: FunnelSpec) -> str:
    """The lifecycle's last funnel stage: where the first won deal takes a contact."""
    return spec.lifecycle.funnel[-1].key


def opportunity_stage(spec: FunnelSpec) -> str | None:
    """The funnel stage just before the customer: where a new deal takes a contact."""
    funnel = spec.lifecycle.funnel
    return funnel[-2].key if len(funnel) > 1 else None


def stage_on_opening(spec: FunnelSpec, contact_stage: str, subject: str) -> str | None:
    """The stage a new deal lifts its contact to, None when it is there or beyond.

    A disqualified contact gets no deal until a person reopens it.
    """
    target = opportunity_stage(spec)
    rank = effective_rank(spec, contact_stage)
    if rank is None:
        raise MoveNotAllowed(
            f"{subject} is in stage '{contact_stage}', out of the funnel — "
            "reopen the contact before opening a deal"
        )
    if target is None or rank >= spec.lifecycle.rank(target):
        return None
    return target


def stage_on_winning(spec: FunnelSpec, contact_stage: str) -> str | None:
    """The stage a won deal takes its contact to: customer, unless it is one already."""
    target = customer_stage(spec)
    return None if contact_stage == target else target


@dataclass(frozen=True, slots=True)
class Orphan:
    """Deals a changed funnel definition would leave without their stage, and what to do."""

    where: str
    what: str
    advice: str


def orphan(spec: FunnelSpec, pipeline: str, stage: str, status: str) -> Orphan | None:
    """What a new definition does to deals in `pipeline`/`stage` with `status`, if harmful.

    A removed pipeline or stage would leave deals (and their history) nowhere;
    a stage whose kind changes would contradict the deals' cached status.
    """
    found = spec.pipelines.get(pipeline)
    if found is None:
        advice = "keep the pipeline: its deals and their history need it"
        return Orphan("pipelines", f"pipeline '{pipeline}' is removed", advice)
    where = f"pipelines.{pipeline}.stages"
    target = next((s for s in found.stages if s.key == stage), None)
    if target is None:
        advice = "keep the stage, or move those deals to another stage first"
        return Orphan(where, f"stage '{stage}' is removed", advice)
    if target.kind != status:
        advice = f"keep it {status}, or move those deals first"
        return Orphan(where, f"stage '{stage}' changes from {status} to {target.kind}", advice)
    return None


def rots_at(spec: FunnelSpec, pipeline: str, stage: str, entered_at: datetime) -> datetime | None:
    """When a deal that entered `stage` at `entered_at` rots; None for a stage without a limit.

    A deal rots `rotting_days` after it entered its stage and did not move:
    the rep has let it stall (the seeds' "se deja de dar seguimiento").
    """
    found = spec.pipelines.get(pipeline)
    limit = next((s.rotting_days for s in found.stages if s.key == stage), None) if found else None
    return None if limit is None else entered_at + timedelta(days=limit)
