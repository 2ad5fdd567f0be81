"""A synthetic sales-and-marketing history for the report benchmark, one contact at a time.

Each contact walks the b2b-saas funnel as a random chain of lifecycle moves
(`MOVES`): many stop early (the number of moves is geometric around the mean
still needed, so the funnel drops off), some loop — rejected or recycled to
nurture and qualified again, disqualified and reopened — so stages get
several visits. Deals follow the moves into opportunity (`report_deals`);
customers get repeat deals while the deals are behind their target. Every
MQL entry gets an owner (round-robin over the sales team, kept once given),
a first-touch call task and, when that came after `FIRST_TOUCH_HOURS`, an SLA
breach. Events carry touches' channels and campaigns: a first touch per
contact, and one before some moves. `contacts.stage` is the last move's.
Seeded: every run builds the same history.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from report_deals import DealBook
from report_rows import CREATION_DAYS, NOW, SEED, START, Context, Row, Rows, Sizes, Touch, Walk

MEAN_GAP_DAYS = 3.0
FIRST_TOUCH_HOURS = 24
MEAN_TOUCH_HOURS = 14.0
REJECTION_REASONS = ("not_a_fit", "no_budget", "wrong_contact", "duplicate", "not_ready")
COUNTRIES = ("ES", "IT", "PT", "FR", "DE", "US")
TITLES = ("Marketing director", "Head of growth", "CTO", "Analyst", "Engineer")
STAGE_EVENTS = {"lead": "ebook_downloaded", "mql": "webinar_watched", "sql": "trial_started"}
ACTOR = "rep@bench.example"

Move = tuple[str, str, str, float]
"""(to stage, move, cause, weight)."""

MOVES: dict[str, tuple[Move, ...]] = {
    "visitor": (("lead", "qualify", "event", 0.92), ("disqualified", "disqualify", "rule", 0.08)),
    "lead": (("mql", "qualify", "event", 0.85), ("disqualified", "disqualify", "rule", 0.15)),
    "mql": (
        ("sal", "accept", "user", 0.55),
        ("nurture", "reject", "user", 0.25),
        ("sql", "qualify", "event", 0.12),
        ("disqualified", "disqualify", "user", 0.08),
    ),
    "sal": (
        ("sql", "qualify", "event", 0.7),
        ("nurture", "recycle", "user", 0.2),
        ("disqualified", "disqualify", "user", 0.1),
    ),
    "sql": (
        ("opportunity", "deal", "user", 0.75),
        ("nurture", "recycle", "user", 0.15),
        ("disqualified", "disqualify", "user", 0.1),
    ),
    "opportunity": (("customer", "won", "user", 0.45), ("nurture", "recycle", "user", 0.55)),
    "nurture": (("mql", "qualify", "event", 0.85), ("disqualified", "disqualify", "rule", 0.15)),
    "disqualified": (("lead", "reopen", "user", 1.0),),
    "customer": (),
}
ENTER: Move = ("visitor", "enter", "event", 1.0)


@dataclass(slots=True)
class History:
    """Builds every table's rows, contact by contact, into `rows` (taken and written in chunks)."""

    sizes: Sizes
    context: Context
    rows: Rows = field(default_factory=Rows)
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    moves_left: int = 0
    next_owner: int = 0
    deals: DealBook = field(init=False)

    def __post_init__(self) -> None:
        self.moves_left = self.sizes.transitions
        self.deals = DealBook(self.rows, self.context, self.rng)

    def contact(self, number: int) -> None:
        """Build contact `number` (0-based) and everything that happened to it."""
        at = START + timedelta(days=self.rng.random() * CREATION_DAYS)
        walk = Walk(self.rows.new_id("contacts"), self.rng.choice(self.context.touches), at)
        first_event = self._event(walk, "page", at - timedelta(minutes=1), walk.touch)
        self._move(walk, ENTER, at)
        for _ in range(self._budget(number) - 1):
            if not self._step(walk, number):
                break
        self.deals.settle(walk)
        after = walk.at
        while walk.stage == "customer" and self._deals_behind(number) and after < NOW:
            after = self.deals.repeat(walk, after)
        self.rows.add("contacts", self._contact_row(walk, first_event, at - timedelta(minutes=1)))

    def _budget(self, number: int) -> int:
        """Moves for this contact: geometric around the mean still needed, at least one each."""
        left = self.sizes.contacts - number
        if left <= 1:
            return max(self.moves_left, 1)
        mean = self.moves_left / left
        drawn = 1
        if mean > 1:
            drawn += int(math.log(1.0 - self.rng.random()) / math.log((mean - 1) / mean))
        return max(1, min(drawn, self.moves_left - (left - 1)))

    def _step(self, walk: Walk, number: int) -> bool:
        """One more move along `MOVES`; False when the walk can go no further."""
        assert walk.stage is not None
        choices = [
            move for move in MOVES[walk.stage] if move[1] != "deal" or self._deals_behind(number)
        ]
        at = walk.at + timedelta(days=max(self.rng.expovariate(1 / MEAN_GAP_DAYS), 1 / 24))
        if not choices or at >= NOW:
            return False
        move = self.rng.choices(choices, weights=[choice[3] for choice in choices])[0]
        self._move(walk, move, at)
        return True

    def _deals_behind(self, number: int) -> bool:
        """Deals open only while behind their share of the contacts built so far."""
        return self.rows.last_ids["deals"] < self.sizes.deals * (number + 1) // self.sizes.contacts

    def _reason(self, walk: Walk, move: Move, at: datetime) -> str | None:
        """A move's reason; `deal`, `won` and an opportunity's recycle open or close its deal."""
        kind = move[1]
        if kind == "deal":
            return f"deal {self.deals.open(walk, at)}"
        if kind == "won" or (kind == "recycle" and walk.deal is not None):
            return self.deals.close(walk, at, won=kind == "won")
        if kind == "reject":
            return self.rng.choice(REJECTION_REASONS)
        return "competitor" if kind == "disqualify" else None

    def _move(self, walk: Walk, move: Move, at: datetime) -> None:
        to_stage, kind, cause, _ = move
        row_id = self.rows.new_id("lifecycle_transitions")
        event_id = self._touch_event(walk, to_stage, at) if kind != "enter" else None
        self.rows.add(
            "lifecycle_transitions",
            {
                "id": row_id,
                "workspace_id": self.context.workspace_id,
                "contact_id": walk.contact_id,
                "from_stage": walk.stage,
                "to_stage": to_stage,
                "move": kind,
                "occurred_at": at,
                "cause": cause,
                "rule": None if cause == "user" else "bench",
                "spec_version_id": self.context.spec_version_id,
                "event_id": event_id,
                "actor": ACTOR if cause == "user" else None,
                "reason": self._reason(walk, move, at),
                "recorded_at": at,
            },
        )
        walk.stage, walk.at = to_stage, at
        self.moves_left -= 1
        if to_stage == "mql":
            self._handoff(walk, row_id, at)

    def _touch_event(self, walk: Walk, stage: str, at: datetime) -> int | None:
        """Now and then an event just before a move; half of them with a campaign of their own."""
        extra = self.sizes.events - self.sizes.contacts
        if self.rng.random() * max(self.sizes.transitions - self.sizes.contacts, 1) >= extra:
            return None
        touch = self.rng.choice(self.context.touches) if self.rng.random() < 0.5 else walk.touch
        return self._event(walk, STAGE_EVENTS.get(stage, "page"), at - timedelta(minutes=30), touch)

    def _event(self, walk: Walk, name: str, at: datetime, touch: Touch) -> int:
        event_id = self.rows.new_id("events")
        walk.last_seen = max(walk.last_seen, at)
        self.rows.add(
            "events",
            {
                "id": event_id,
                "workspace_id": self.context.workspace_id,
                "message_id": f"bench-{event_id}",
                "type": "page" if name == "page" else "track",
                "name": name,
                "contact_id": walk.contact_id,
                "anonymous_id": f"a-{walk.contact_id}",
                "user_id": None,
                "occurred_at": at,
                "received_at": at,
                "properties": {},
                "channel_id": touch[0],
                "campaign_id": touch[1],
            },
        )
        return event_id

    def _handoff(self, walk: Walk, transition_id: int, at: datetime) -> None:
        """An MQL entry: an owner if it has none, a call task, a breach when the call was late."""
        if walk.owner_id is None:
            walk.owner_id = self._assign(walk, at)
        touched = at + timedelta(hours=self.rng.expovariate(1 / MEAN_TOUCH_HOURS))
        self.rows.add("tasks", self._task(walk, at, touched))
        due = at + timedelta(hours=FIRST_TOUCH_HOURS)
        if touched > due:
            self.rows.add("sla_breaches", self._breach(walk, transition_id, due, touched))

    def _assign(self, walk: Walk, at: datetime) -> int:
        sales = self.context.sales
        owner = sales[self.next_owner % len(sales)]
        self.next_owner += 1
        self.rows.add(
            "owner_assignments",
            {
                "id": self.rows.new_id("owner_assignments"),
                "workspace_id": self.context.workspace_id,
                "contact_id": walk.contact_id,
                "owner_id": owner,
                "assigned_at": at,
                "rule": "round_robin:sales",
                "actor": "embudo",
            },
        )
        return owner

    def _task(self, walk: Walk, at: datetime, touched: datetime) -> Row:
        return {
            "id": self.rows.new_id("tasks"),
            "workspace_id": self.context.workspace_id,
            "contact_id": walk.contact_id,
            "owner_id": walk.owner_id,
            "kind": "call",
            "title": "Call the new MQL",
            "due_at": at + timedelta(hours=FIRST_TOUCH_HOURS),
            "completed_at": touched if touched < NOW else None,
            "outcome": None,
            "cause": "playbook:mql_handoff",
            "created_at": at,
        }

    def _breach(self, walk: Walk, transition_id: int, due: datetime, touched: datetime) -> Row:
        return {
            "id": self.rows.new_id("sla_breaches"),
            "workspace_id": self.context.workspace_id,
            "contact_id": walk.contact_id,
            "transition_id": transition_id,
            "owner_id": walk.owner_id,
            "kind": "first_touch",
            "due_at": due,
            "touched_at": touched if touched < NOW else None,
            "detected_at": min(touched, NOW),
        }

    def _contact_row(self, walk: Walk, first_event: int, first_seen: datetime) -> Row:
        """The contact's row; its stage and owner are the caches of its last move and assignment."""
        known = walk.stage != "visitor"
        traits = {"country": self.rng.choice(COUNTRIES), "job_title": self.rng.choice(TITLES)}
        return {
            "id": walk.contact_id,
            "workspace_id": self.context.workspace_id,
            "email": f"c{walk.contact_id}@bench.example" if known else None,
            "traits": traits if known else {},
            "company_id": None,
            "owner_id": walk.owner_id,
            "channel_id": walk.touch[0],
            "campaign_id": walk.touch[1],
            "stage": walk.stage,
            "stage_at": walk.at,
            "fit_score": 0.0,
            "engagement_score": 0.0,
            "score": 0.0,
            "scored_at": NOW,
            "unsubscribed": False,
            "merged_into_id": None,
            "first_seen_at": first_seen,
            "last_seen_at": max(walk.last_seen, walk.at),
            "first_message_id": f"bench-{first_event}",
            "created_at": first_seen,
        }
