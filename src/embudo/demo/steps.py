"""What the simulator emits: Segment-spec messages and sales commands.

Messages are plain dicts shaped like https://segment.com/docs/connections/spec/,
the same shape the HTTP intake receives, so the demo exercises the engine's real
input path. `messageId` is stamped by the simulator when a step is released, in
stream order, which keeps ids deterministic per seed.

Sales commands name the contact by the simulator's user id and a deal by its
contact and pipeline, never by a database id: the simulator writes the year
before anything is stored, and a playbook may have opened the deal already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

Message = dict[str, Any]

RECYCLE_REASONS = ("not_ready", "no_budget", "timing")
DISQUALIFY_REASONS = ("competitor", "spam", "wrong_fit")
SITE = "https://www.example.com"


@dataclass(frozen=True, slots=True)
class LeadCommand:
    """A sales decision about a lead: send it back to nurture, or set it aside."""

    kind: Literal["recycle", "disqualify"]
    user_id: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class LeadAnswer:
    """Sales' answer to an MQL: accept it (SAL), or reject it to nurture with a reason."""

    kind: Literal["accept", "reject"]
    user_id: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class CallMade:
    """A call to the contact, logged as a completed task: a sales touch for the SLA."""

    user_id: str
    at: datetime
    outcome: str


@dataclass(frozen=True, slots=True)
class DealOpened:
    """A deal for the contact in `pipeline`; `referred_by` is the promoter's user id."""

    user_id: str
    pipeline: str
    stage: str
    amount: Decimal
    at: datetime
    referred_by: str | None = None


@dataclass(frozen=True, slots=True)
class DealMoved:
    """The contact's open deal in `pipeline` moves to another open stage."""

    user_id: str
    pipeline: str
    stage: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DealWon:
    user_id: str
    pipeline: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DealLost:
    """Closed lost with a loss reason; `recycle` sends the contact back to nurture."""

    user_id: str
    pipeline: str
    reason: str
    at: datetime
    recycle: bool = False


DealStep = DealOpened | DealMoved | DealWon | DealLost
Command = LeadCommand | LeadAnswer | CallMade | DealStep
Step = Message | Command
Timed = tuple[datetime, Step]


def person_of(identifier: str) -> str:
    """The visitor behind an id: `anon-7-42` and `user-7-42` are both visitor `7-42`."""
    return identifier.split("-", 1)[1]


def people_in(command: Command) -> tuple[str, ...]:
    """The visitors a command is about: its contact, and for a referral the promoter too."""
    referrer = command.referred_by if isinstance(command, DealOpened) else None
    return tuple(person_of(who) for who in (command.user_id, referrer) if who is not None)


@dataclass(frozen=True, slots=True)
class Campaign:
    """UTM parameters of a paid or earned touch (`context.campaign`)."""

    name: str
    source: str
    medium: str

    def context(self) -> dict[str, str]:
        return {"name": self.name, "source": self.source, "medium": self.medium}

    def query(self) -> str:
        return f"?utm_source={self.source}&utm_medium={self.medium}&utm_campaign={self.name}"


@dataclass(frozen=True, slots=True)
class Who:
    """The ids a message carries: anonymous until the form, then also the user id."""

    anonymous_id: str
    user_id: str | None = None

    def ids(self) -> dict[str, str]:
        ids = {"anonymousId": self.anonymous_id}
        if self.user_id is not None:
            ids["userId"] = self.user_id
        return ids


def timestamp(at: datetime) -> str:
    """ISO-8601 in UTC with a `Z`, to the millisecond (truncation keeps the order)."""
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _message(kind: str, who: Who, at: datetime) -> Message:
    return {"type": kind, "messageId": "", **who.ids(), "timestamp": timestamp(at)}


def page(
    who: Who,
    at: datetime,
    path: str,
    campaign: Campaign | None,
    extra: dict[str, Any] | None = None,
) -> Message:
    """A page view; only the landing page of a campaign visit carries its UTM values."""
    url = SITE + path + (campaign.query() if campaign else "")
    referrer = f"https://www.{campaign.source}.com/" if campaign else ""
    location = {"path": path, "url": url, "referrer": referrer}
    properties = {**(extra or {}), **location}
    context: dict[str, Any] = {"page": location}
    if campaign is not None:
        context["campaign"] = campaign.context()
    return {**_message("page", who, at), "name": path, "properties": properties, "context": context}


def identify(who: Who, at: datetime, traits: dict[str, Any]) -> Message:
    return {**_message("identify", who, at), "traits": traits, "context": {}}


def group(who: Who, at: datetime, group_id: str, traits: dict[str, Any]) -> Message:
    message = _message("group", who, at)
    return {**message, "groupId": group_id, "traits": traits, "context": {}}


def track(who: Who, at: datetime, event: str, properties: dict[str, Any]) -> Message:
    return {**_message("track", who, at), "event": event, "properties": properties, "context": {}}
