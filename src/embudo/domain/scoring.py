"""Scoring: fit (who the contact is) and engagement (what they do), kept apart.

Every change of points is a `Points` entry that names its rule; the score is
what the entries add up to. Engagement points decay: an entry worth `p` points
`d` days ago is worth `p * 0.5 ** (d / half_life)` now. Fit points do not
decay. A rule's `cap` limits the raw points the rule can give one contact in
total, so the cap does not depend on the order messages arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from embudo.domain.conditions import Facts, holds, matches
from embudo.domain.spec import EngagementRule, FitRule, Scoring

SECONDS_PER_DAY = 86_400.0


class ScoreKind(StrEnum):
    FIT = "fit"
    ENGAGEMENT = "engagement"


@dataclass(frozen=True, slots=True)
class Points:
    """One ledger entry: points given (or taken) by a rule at a moment."""

    kind: ScoreKind
    rule: str
    points: float
    occurred_at: datetime
    half_life_days: float | None = None

    def worth(self, at: datetime) -> float:
        """What this entry counts for at `at` (nothing before it happened)."""
        if self.occurred_at > at:
            return 0.0
        return decayed(self.points, self.half_life_days, self.occurred_at, at)


def decayed(points: float, half_life_days: float | None, since: datetime, at: datetime) -> float:
    """`points` halved every `half_life_days` from `since` to `at`; no half-life, no decay."""
    if half_life_days is None:
        return points
    age_days = max((at - since).total_seconds(), 0.0) / SECONDS_PER_DAY
    return float(points * 0.5 ** (age_days / half_life_days))


def total(entries: Iterable[Points], kind: ScoreKind | None, at: datetime) -> float:
    """The score of one kind (or both when `kind` is None) as it stood at `at`."""
    return sum(entry.worth(at) for entry in entries if kind is None or entry.kind is kind)


def engagement_points(
    scoring: Scoring,
    name: str,
    properties: Mapping[str, Any],
    occurred_at: datetime,
    given: Mapping[str, float],
) -> list[Points]:
    """The entries one event earns; `given` is the raw points each rule has given so far."""
    entries = []
    for rule in scoring.engagement:
        if rule.event != name or not matches(rule.where, properties):
            continue
        points = _capped(rule, given.get(rule.name, 0.0))
        if points != 0:
            half_life = scoring.half_life(rule)
            entries.append(Points(ScoreKind.ENGAGEMENT, rule.name, points, occurred_at, half_life))
    return entries


def _capped(rule: EngagementRule, given: float) -> float:
    """Points within the cap: positive rules up to `cap`, negative ones down to `-cap`."""
    if rule.cap is None:
        return float(rule.points)
    if rule.points >= 0:
        return float(max(min(rule.points, rule.cap - given), 0))
    return float(min(max(rule.points, -rule.cap - given), 0))


def taken_over(
    scoring: Scoring,
    name: str,
    properties: Mapping[str, Any],
    occurred_at: datetime,
    earned: Iterable[Points],
    entries: Iterable[Points],
) -> list[Points]:
    """Capped points a late event takes over from the same rule's later entries.

    A cap gives its points to a rule's earliest events. When an event arrives
    after later-dated ones used up the cap, it takes their points over: `-x`
    at the latest entries' moment, `+x` at its own. The raw total stays at
    the cap and the decayed score is the one an in-order arrival would give.
    `earned` is what `engagement_points` gave the event; `entries`, the ledger so far.
    """
    earned, entries = list(earned), list(entries)
    moved: list[Points] = []
    for rule in scoring.engagement:
        if rule.cap is None or rule.points == 0 or rule.event != name:
            continue
        if not matches(rule.where, properties):
            continue
        mine = [e for e in entries if e.kind is ScoreKind.ENGAGEMENT and e.rule == rule.name]
        got = sum(entry.points for entry in earned if entry.rule == rule.name)
        sign = 1.0 if rule.points > 0 else -1.0
        moved += _take_over(
            rule.name, sign, sign * (rule.points - got), occurred_at, mine, scoring.half_life(rule)
        )
    return moved


def _take_over(
    rule: str,
    sign: float,
    wanted: float,
    at: datetime,
    mine: list[Points],
    half_life: float | None,
) -> list[Points]:
    """Move up to `wanted` points (in magnitude; `sign` is the rule's) from the latest entries."""
    held: dict[datetime, float] = {}
    half_lives: dict[datetime, float | None] = {}
    for entry in mine:
        if entry.occurred_at > at:
            held[entry.occurred_at] = held.get(entry.occurred_at, 0.0) + entry.points
            half_lives[entry.occurred_at] = entry.half_life_days
    moved = []
    for moment in sorted(held, reverse=True):
        take = min(wanted, sign * held[moment])
        if take <= 0:
            continue
        moved += [
            Points(ScoreKind.ENGAGEMENT, rule, -sign * take, moment, half_lives[moment]),
            Points(ScoreKind.ENGAGEMENT, rule, sign * take, at, half_life),
        ]
        wanted -= take
        if wanted <= 0:
            break
    return moved


def fit_changes(
    rules: Iterable[FitRule], facts: Facts, given: Mapping[str, float], at: datetime
) -> list[Points]:
    """Entries that bring each fit rule's points in line with the contact as it is now.

    A rule that matches should have given its `points`; one that does not, none.
    The entry is the difference, so a changed trait or a changed rule corrects
    the score without rewriting the past.
    """
    entries = []
    for rule in rules:
        due = float(rule.points) if holds(rule.when, facts, at) else 0.0
        change = due - given.get(rule.name, 0.0)
        if change != 0:
            entries.append(Points(ScoreKind.FIT, rule.name, change, at))
    return entries
