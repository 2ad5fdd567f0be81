"""The sales reps of the demo: a few people in each team that MQLs are handed to.

They are added before the stream starts, so the engine's own hand-off assigns
every MQL on entry (round-robin, or the team an assignment rule names). Their
emails carry the seed: a second run of the same seed finds its reps already
there, which is how the demo knows the year was played before.
"""

from __future__ import annotations

from dataclasses import dataclass

from embudo.domain.spec import FunnelSpec

REP_NAMES = ("Ana Torres", "Marco Bellini", "Lucía Navarro", "Giorgio Conti", "Paula Ruiz")
MIN_REPS = 3
_ASCII = str.maketrans("áéíóúñ ", "aeioun.")


@dataclass(frozen=True, slots=True)
class Rep:
    email: str
    name: str
    team: str


def handoff_teams(spec: FunnelSpec) -> list[str]:
    """The hand-off team first, then each team an assignment rule names, once each."""
    named = [rule.team for rule in spec.handoff.rules if rule.team is not None]
    return list(dict.fromkeys([spec.handoff.team, *named]))


def sales_reps(spec: FunnelSpec, seed: int) -> list[Rep]:
    """Three to five reps, every hand-off team staffed, the main team with the most people."""
    teams = handoff_teams(spec)
    size = min(len(REP_NAMES), max(MIN_REPS, len(teams) + 1 + seed % 2))
    staffed = [*teams, *[spec.handoff.team] * (size - len(teams))]
    return [_rep(name, team, seed) for name, team in zip(REP_NAMES, staffed, strict=False)]


def _rep(name: str, team: str, seed: int) -> Rep:
    local = name.lower().translate(_ASCII)
    return Rep(f"{local}.{seed}@demo.example", name, team)
