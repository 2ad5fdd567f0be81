"""Scoring: fit (who the contact is) and engagement (what they do), kept apart.

Every change of points is a `Points` entry that names its rule; the score is
what the entries add up to. Engagement points decay: an entry worth `p` points
`d` days ago is worth `p * 0.5 ** (d / half_life)` now, shrinking no further
after `MAX_HALVINGS` half-lives. Fit points do not decay. A rule's `cap` limits
the raw points the rule can give one contact in total, so the cap does not
depend on the order messages arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from embudo.domain.conditions import Facts, Occurrence, holds, matches
from embudo.domain.spec import EngagementRule, FitRule, Scoring

SECONDS_PER_DAY = 86_400.0
MAX_HALVINGS = 1000.0
"""The most half-lives an entry decays by: beyond it PostgreSQL's `power()` raises
"underflow" where Python and SQLite give 0. At 2 ** -1000 (about 1e-301) any
entry's worth is far below the 4 decimals a score is shown with, so clamping
changes no score anyone sees, and every backend computes the same number."""


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
    return float(points * 0.5 ** min(age_days / half_life_days, MAX_HALVINGS))


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
    for rule in scoring.engagement_for(name):
        if not matches(rule.where, properties):
            continue
        points = _capped(rule, given.get(rule.name, 0.0))
        if points != 0:
            half_life = scoring.half_life(rule)
            entries.append(Points(ScoreKind.ENGAGEMENT, rule.name, points, occurred_at, half_life))
    return entries


def capped(scoring: Scoring) -> list[EngagementRule]:
    """The engagement rules with a cap: the only ones whose points given so far matter."""
    return [rule for rule in scoring.engagement if rule.cap is not None]


def _capped(rule: EngagementRule, given: float) -> float:
    """Points within the cap: positive rules up to `cap`, negative ones down to `-cap`."""
    if rule.cap is None:
        return float(rule.points)
    if rule.points >= 0:
        return float(max(min(rule.points, rule.cap - given), 0))
    return float(min(max(rule.points, -rule.cap - given), 0))


def reconcile_caps(
    scoring: Scoring, occurrences: Sequence[Occurrence], entries: Iterable[Points]
) -> list[Points]:
    """Entries that give each capped rule's points to its earliest events.

    Events arrive late or out of order, and merges bring two contacts' entries
    together; either can leave a capped rule's points on the wrong events or
    over its cap. The fair allocation is recomputed from the events in time
    order and the difference, moment by moment, is written as new entries —
    none at all when events came in order.
    """
    entries = list(entries)
    corrections: list[Points] = []
    for rule in scoring.engagement:
        if rule.cap is None:
            continue
        wanted = _allocation(rule, occurrences)
        given = _given_at(rule.name, entries)
        half_life = scoring.half_life(rule)
        for moment in sorted(wanted.keys() | given.keys()):
            delta = wanted.get(moment, 0.0) - given.get(moment, 0.0)
            if abs(delta) > _EPSILON:
                corrections.append(
                    Points(ScoreKind.ENGAGEMENT, rule.name, delta, moment, half_life)
                )
    return corrections


_EPSILON = 1e-9


def _allocation(rule: EngagementRule, occurrences: Sequence[Occurrence]) -> dict[datetime, float]:
    """The rule's points per moment when its earliest matching events fill the cap first."""
    allocation: dict[datetime, float] = {}
    given = 0.0
    for occurrence in sorted(occurrences, key=lambda item: item.at):
        if occurrence.name != rule.event or not matches(rule.where, occurrence.properties):
            continue
        points = _capped(rule, given)
        given += points
        allocation[occurrence.at] = allocation.get(occurrence.at, 0.0) + points
    return allocation


def _given_at(rule: str, entries: Iterable[Points]) -> dict[datetime, float]:
    given: dict[datetime, float] = {}
    for entry in entries:
        if entry.kind is ScoreKind.ENGAGEMENT and entry.rule == rule:
            given[entry.occurred_at] = given.get(entry.occurred_at, 0.0) + entry.points
    return given


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
