"""Deals for the report benchmark's history: opened by a move into opportunity, closed by the next.

A deal's stage history follows its contact: created in `discovery` at the
contact's `deal` move, then forward through the open stages (some skipped,
an open deal now and then stepping back), closed `won` at the contact's
`won` move or `lost` (with a reason) at its recycle; a deal whose contact
moved no further stays open or was lost. `deals.stage`, `status`,
`stage_at`, `closed_at` and `loss_reason` are the last history row's, as the
engine keeps them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from report_rows import NOW, Context, OpenDeal, Row, Rows, Walk, between, money

OPEN_STAGES = ("discovery", "demo", "proposal", "negotiation")
LOSS_REASONS = ("price", "timing", "competitor", "no_response", "missing_feature")
PIPELINE = "new_business"
OPEN_DAYS = 90.0
"""How long after its creation an open deal's last move can be."""
Path = list[tuple[str, datetime]]


@dataclass(slots=True)
class DealBook:
    """Opens and closes deals, writing `deals` and `deal_stage_history` rows into `rows`."""

    rows: Rows
    context: Context
    rng: random.Random

    def open(self, walk: Walk, at: datetime) -> int:
        """A new deal for the walk's contact, created at `at`; its id."""
        amount = money(self.rng.lognormvariate(8.6, 0.9))
        walk.deal = OpenDeal(self.rows.new_id("deals"), at, amount)
        return walk.deal.deal_id

    def close(self, walk: Walk, at: datetime, won: bool) -> str:
        """Close the walk's deal at `at`; the contact's move reason."""
        deal = walk.deal
        assert deal is not None
        walk.deal = None
        if won:
            self._write(
                walk, deal, self._forward(deal.opened_at, at, len(OPEN_STAGES)), ("won", at)
            )
            return f"deal {deal.deal_id} won"
        reason = self.rng.choice(LOSS_REASONS)
        path = self._forward(deal.opened_at, at, self._depth())
        self._write(walk, deal, path, ("lost", at), reason)
        return f"deal {deal.deal_id} lost: {reason}"

    def settle(self, walk: Walk) -> None:
        """The deal of a walk that ended in opportunity: still open (most) or lost."""
        deal = walk.deal
        if deal is None:
            return
        walk.deal = None
        end = min(deal.opened_at + timedelta(days=1 + self.rng.random() * OPEN_DAYS), NOW)
        if self.rng.random() < 0.25:
            reason = self.rng.choice(LOSS_REASONS)
            path = self._forward(deal.opened_at, end, self._depth())
            self._write(walk, deal, path, ("lost", end), reason)
        else:
            self._write(walk, deal, self._open_path(deal.opened_at, end), None)

    def repeat(self, walk: Walk, after: datetime) -> datetime:
        """A customer's next purchase after `after`, moving nothing in its lifecycle; its start."""
        start = after + timedelta(days=1 + self.rng.random() * 30)
        if start >= NOW:
            return start
        self.open(walk, start)
        if self.rng.random() < 0.4:
            end = min(start + timedelta(days=5 + self.rng.random() * 40), NOW)
            self.close(walk, end, won=self.rng.random() < 0.6)
        else:
            self.settle(walk)
        return start

    def _depth(self) -> int:
        return self.rng.randint(1, len(OPEN_STAGES))

    def _forward(self, start: datetime, end: datetime, depth: int) -> Path:
        """Open stages up to `depth` (a middle one skipped now and then), spread before `end`."""
        path = [OPEN_STAGES[0]]
        path += [stage for stage in OPEN_STAGES[1:depth] if self.rng.random() >= 0.2]
        return [(stage, between(start, end, n / len(path))) for n, stage in enumerate(path)]

    def _open_path(self, start: datetime, end: datetime) -> Path:
        """An open deal's moves before `end`, one in eight stepping back a stage at `end`."""
        path = self._forward(start, end, self._depth())
        last = OPEN_STAGES.index(path[-1][0])
        if last > 0 and self.rng.random() < 0.125:
            path.append((OPEN_STAGES[last - 1], end))
        return path

    def _write(
        self,
        walk: Walk,
        deal: OpenDeal,
        path: Path,
        close: tuple[str, datetime] | None,
        reason: str | None = None,
    ) -> None:
        """The deal's history rows (`path`, then `close`) and its own row, cached from the last."""
        moves = [*path, close] if close else path
        previous: str | None = None
        for stage, at in moves:
            self._history(deal, previous, stage, at, reason if stage == "lost" else None)
            previous = stage
        self.rows.add("deals", self._deal_row(walk, deal, moves[-1], reason))

    def _history(
        self,
        deal: OpenDeal,
        from_stage: str | None,
        to_stage: str,
        at: datetime,
        reason: str | None,
    ) -> None:
        self.rows.add(
            "deal_stage_history",
            {
                "id": self.rows.new_id("deal_stage_history"),
                "workspace_id": self.context.workspace_id,
                "deal_id": deal.deal_id,
                "from_stage": from_stage,
                "to_stage": to_stage,
                "occurred_at": at,
                "actor": "rep@bench.example",
                "source": "cli",
                "reason": reason,
                "spec_version_id": self.context.spec_version_id,
                "recorded_at": at,
            },
        )

    def _deal_row(
        self, walk: Walk, deal: OpenDeal, last: tuple[str, datetime], reason: str | None
    ) -> Row:
        stage, stage_at = last
        status = stage if stage in ("won", "lost") else "open"
        owner = walk.owner_id or self.rng.choice(self.context.sales)
        return {
            "id": deal.deal_id,
            "workspace_id": self.context.workspace_id,
            "contact_id": walk.contact_id,
            "company_id": None,
            "pipeline": PIPELINE,
            "stage": stage,
            "status": status,
            "amount": deal.amount,
            "currency": "EUR",
            "owner_id": owner,
            "expected_close_on": (deal.opened_at + timedelta(days=45)).date(),
            "channel_id": walk.touch[0],
            "campaign_id": walk.touch[1],
            "loss_reason": reason if status == "lost" else None,
            "referred_by_contact_id": None,
            "title": f"Deal {deal.deal_id}",
            "stage_at": stage_at,
            "closed_at": stage_at if status != "open" else None,
            "created_at": deal.opened_at,
            "created_by": "rep@bench.example",
            "updated_at": stage_at,
            "source_key": None,
        }
