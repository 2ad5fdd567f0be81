"""One contact's life: visits, maybe a form, then nurture, qualification and sales' verdicts.

A journey is written whole when the visitor first arrives, as timed steps; the
simulator merges all journeys by time. The shares below are the "believable
business": most visitors never convert, about a third of leads become MQLs,
fewer climb on, and the funnel is not linear (sales recycles and disqualifies,
recycled leads sometimes come back, some contacts unsubscribe). Sales answers
the MQL (`answers`) and sells to the contacts that climb (`sales`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from random import Random
from typing import Any

from embudo.demo.answers import answer
from embudo.demo.persona import fitted, person, satisfy
from embudo.demo.plans import Plan, PlannedEvent, plan_for, properties_for
from embudo.demo.sales import Promoters, first_sale, repeat_sale
from embudo.demo.scenario import DIRECT_CONVERSION, PAGE, Gate, Scenario
from embudo.demo.steps import (
    DISQUALIFY_REASONS,
    RECYCLE_REASONS,
    Campaign,
    LeadCommand,
    Step,
    Timed,
    Who,
    group,
    identify,
    page,
    track,
)
from embudo.domain.conditions import TraitIs, matches

PATHS = ("/", "/blog", "/blog/how-to-choose", "/about", "/pricing", "/contact", "/resources")
RETURN_SHARE = 0.3
JOB_SEEKER_SHARE = 0.03
UNFIT_SHARE = 0.03
DISQUALIFY_SHARE = 0.05
UNSUBSCRIBE_SHARE = 0.06
PARTIAL_SHARE = 0.5
RECYCLE_SHARE = 0.2
REENGAGE_SHARE = 0.4
NURTURE_EVENTS = (0, 1, 1, 2, 2, 3, 5)
STAGE_SPAN_DAYS = 10.0
SCORE_MARGIN = 1.3
"""Engagement earns this much more than a score threshold, to outlast decay."""
MAX_BOOSTS = 40
SECOND = timedelta(seconds=1)
DEAL_SHARE = 0.8
"""Contacts that reach the top qualified stage (SQL) and get a deal."""
SHORT_DEAL_SHARE = 0.15
"""Accepted MQLs that stop climbing but get a deal all the same (sales saw a need)."""


def days(count: float) -> timedelta:
    return timedelta(days=count)


def journey(
    scenario: Scenario, rng: Random, number: int, arrival: datetime, promoters: Promoters
) -> list[Timed]:
    """Every step of visitor `number`, who first arrives at `arrival`; not in time order."""
    contact = Journey(scenario, rng, number, promoters)
    source = scenario.source(rng)
    campaign = source.campaign(rng, arrival) if source else None
    converts = rng.random() < (source.conversion if source else DIRECT_CONVERSION)
    contact.browse(arrival, campaign, converts=converts)
    return contact.kept()


class Journey:
    """The steps of one contact; nothing is kept after `stop`, when the contact left."""

    def __init__(self, scenario: Scenario, rng: Random, number: int, promoters: Promoters) -> None:
        self.scenario, self.rng, self.number = scenario, rng, number
        self.promoters = promoters
        self.accepted = self.rejected = False
        self.who = Who(f"anon-{scenario.seed}-{number}")
        self.user_id = f"user-{scenario.seed}-{number}"
        self.traits: dict[str, Any] = {}
        self.given: Counter[str] = Counter()
        self.steps: list[Timed] = []
        self.stop = scenario.end

    def add(self, at: datetime, step: Step) -> None:
        if at <= self.stop:
            self.steps.append((at, step))

    def end_with(self, at: datetime, step: Step) -> None:
        """A last step: the contact unsubscribed or sales set it aside."""
        self.add(at, step)
        self.stop = min(self.stop, at)

    def add_all(self, steps: list[Timed]) -> None:
        for at, step in steps:
            self.add(at, step)

    def kept(self) -> list[Timed]:
        """The steps up to the contact's last one (visits planned later are dropped)."""
        return [(at, step) for at, step in self.steps if at <= self.stop]

    def browse(self, arrival: datetime, campaign: Campaign | None, *, converts: bool) -> None:
        """The landing visit and maybe return visits; the form, if any, ends one of them."""
        visits = 1
        while visits < 3 and self.rng.random() < RETURN_SHARE:
            visits += 1
        form = self.rng.randrange(visits) if converts else None
        at = arrival
        for index in range(visits):
            end = self.visit(at, None if index else campaign)
            if index == form:
                self.convert(end)
            at = end + days(self.rng.expovariate(1 / 6))
        if self.scenario.job_pages and self.rng.random() < JOB_SEEKER_SHARE:
            where = self.rng.choice(self.scenario.job_pages)
            self.act(end, PlannedEvent(PAGE, properties_for(where, self.rng)))

    def visit(self, at: datetime, campaign: Campaign | None) -> datetime:
        """A few page views a minute or two apart; only the landing page has the UTM values."""
        for index in range(self.rng.randint(1, 5)):
            path = self.rng.choice(PATHS)
            self.add(at, page(self.who, at, path, None if index else campaign))
            at += timedelta(seconds=self.rng.uniform(15, 240))
        return at

    def act(self, at: datetime, event: PlannedEvent) -> datetime:
        """A planned event as its message (a page view, an identify or a track); `at` + 1 s."""
        properties = event.properties
        if event.name == PAGE:
            path = str(properties.get("path", self.rng.choice(PATHS)))
            self.add(at, page(self.who, at, path, None, properties))
        elif event.name == "identify":
            self.add(at, identify(self.who, at, dict(properties)))
        else:
            self.add(at, track(self.who, at, event.name, properties))
        return at + SECOND

    def convert(self, at: datetime) -> None:
        """The form: identify (anonymous id and user id together), the company, the event."""
        self.who = Who(self.who.anonymous_id, self.user_id)
        entry = plan_for(self.scenario.entry, self.rng) if self.scenario.entry else Plan()
        unfit = bool(self.scenario.unfit) and self.rng.random() < UNFIT_SHARE
        self.traits = self.profile(unfit=unfit)
        self.traits.update(self.fit(entry.traits))
        self.add(at, identify(self.who, at, dict(self.traits)))
        if self.scenario.companies:
            self.add(at + SECOND, self.company(at + SECOND))
        form = self.scenario.form_event
        fallback = [PlannedEvent(form, {})] if form else []
        self.emit(entry.events or fallback, at + 2 * SECOND, window=1 / 24)
        self.nurture(at, unfit=unfit)

    def profile(self, *, unfit: bool) -> dict[str, Any]:
        """Name, email, country and fit traits; only `unfit` contacts meet a disqualify rule."""
        traits = fitted(self.scenario.fit_traits, self.rng, person(self.rng, self.number))
        if unfit:
            tests = plan_for(self.rng.choice(self.scenario.unfit), self.rng).traits
            traits.update({test.trait: self.value(test, traits, meets=True) for test in tests})
        else:
            tests = [t for t in self.scenario.unfit_tests if t.holds(traits.get(t.trait))]
            traits.update({test.trait: self.value(test, traits, meets=False) for test in tests})
        return {name: value for name, value in traits.items() if value is not None}

    def value(self, test: TraitIs, traits: dict[str, Any], *, meets: bool) -> Any:
        return satisfy(test.trait, test, traits, meets=meets, rng=self.rng)

    def fit(self, tests: list[TraitIs]) -> dict[str, Any]:
        """Trait values that make `tests` hold, for the tests that do not hold yet."""
        missing = [test for test in tests if not test.holds(self.traits.get(test.trait))]
        return {test.trait: self.value(test, self.traits, meets=True) for test in missing}

    def company(self, at: datetime) -> Step:
        """The contact's company, drawn from a pool; a company's traits never change."""
        number = self.rng.randrange(self.scenario.companies)
        rng = Random(f"{self.scenario.seed}:company:{number}")
        traits = fitted(self.scenario.fit_company, rng, {"name": f"Empresa {number}"})
        return group(self.who, at, f"company-{self.scenario.seed}-{number}", traits)

    def emit(self, events: list[PlannedEvent], at: datetime, window: float | None) -> datetime:
        """Send `events` in order, spread within the window; the time of the last one."""
        span = min(STAGE_SPAN_DAYS, 0.8 * window) if window else STAGE_SPAN_DAYS
        offsets = sorted(self.rng.uniform(0, span) for _ in events)
        for event, offset in zip(events, offsets, strict=True):
            self.act(at + days(offset), event)
        return at + days(offsets[-1]) if offsets else at

    def nurture(self, converted: datetime, *, unfit: bool) -> None:
        """After the form: maybe an end (disqualified, unsubscribed), content, the climb.

        A contact that meets a disqualify rule is set aside by the engine at once, so
        sales neither disqualifies nor recycles it: it only reads.
        """
        if not unfit:
            self.leave(converted)
        self.read(converted)
        if not unfit:
            self.climb(converted)

    def leave(self, converted: datetime) -> None:
        """A few leads end early: sales disqualifies them, or they unsubscribe."""
        chance = self.rng.random()
        if chance < DISQUALIFY_SHARE:
            at = converted + days(self.rng.uniform(1, 30))
            reason = self.rng.choice(DISQUALIFY_REASONS)
            self.end_with(at, LeadCommand("disqualify", self.user_id, reason, at))
        elif chance < DISQUALIFY_SHARE + UNSUBSCRIBE_SHARE and self.scenario.unsubscribes:
            at = converted + days(self.rng.uniform(2, 120))
            rule = self.rng.choice(self.scenario.unsubscribes)
            properties = properties_for(rule.where, self.rng)
            self.end_with(at, track(self.who, at, rule.event, properties))

    def read(self, converted: datetime) -> None:
        """Nurture content: TOFU and MOFU events that qualify nobody, over three months."""
        if not self.scenario.noise_events:
            return
        for _ in range(self.rng.choice(NURTURE_EVENTS)):
            at = converted + days(self.rng.uniform(0.5, 90))
            self.add(at, track(self.who, at, self.rng.choice(self.scenario.noise_events), {}))

    def climb(self, converted: datetime) -> None:
        """Stage after stage, fewer go on; the rest stop, some one step short."""
        at, recycled = converted, False
        for gate in self.scenario.gates:
            at += days(1 + self.rng.expovariate(1 / 12))
            if self.rng.random() >= gate.rate:
                if self.rng.random() < PARTIAL_SHARE:
                    self.qualify(gate, at, partial=True)
                self.sell(at, share=SHORT_DEAL_SHARE if self.accepted else 0.0)
                return
            answered = self.hand_off(gate, self.qualify(gate, at))
            if answered is None:
                return
            at = answered
            if not (recycled or self.rejected) and self.rng.random() < RECYCLE_SHARE:
                recycled, back = True, self.recycle(at)
                if back is None:
                    return
                at = self.qualify(gate, back)
        self.sell(at, share=DEAL_SHARE)

    def hand_off(self, gate: Gate, entered: datetime) -> datetime | None:
        """Sales' answer when `gate` is the hand-off stage; when the climb goes on, if it does.

        A rejected MQL goes to nurture; it may come back, qualify again and be
        answered again (never rejected twice).
        """
        if gate.stage != self.scenario.sales.handoff_stage:
            return entered
        given = answer(self.scenario.sales, self.rng, self.user_id, entered)
        self.add_all(given.steps)
        if given.at is not None and not given.accepted:
            self.rejected = True
            back = self.come_back(given.at)
            if back is None:
                return None
            entered = self.qualify(gate, back)
            given = answer(self.scenario.sales, self.rng, self.user_id, entered, again=True)
            self.add_all(given.steps)
        self.accepted = given.accepted
        return max(entered, given.at or entered)

    def sell(self, at: datetime, *, share: float) -> None:
        """With chance `share`, a deal a few days on; a won one may bring a repeat purchase."""
        play = self.scenario.sales.pipeline
        if play is None or self.rng.random() >= share:
            return
        opened = at + days(self.rng.uniform(1, 10))
        referrer = self.promoters.pick(self.rng, opened, self.user_id)
        sale = first_sale(play, self.rng, self.user_id, opened, referrer)
        self.add_all(sale.steps)
        if sale.won_at is None or sale.won_at > self.stop:
            return
        self.promoters.add(sale.won_at, self.user_id)
        self.add_all(repeat_sale(play, self.rng, self.user_id, sale.won_at).steps)

    def qualify(self, gate: Gate, at: datetime, *, partial: bool = False) -> datetime:
        """A visit, then what meets the gate (traits, engagement, events); when it ended."""
        plan = plan_for(gate.condition, self.rng)
        plan = plan.partial() if partial else plan
        self.add(at, page(self.who, at, self.rng.choice(PATHS), None))
        changed = self.fit(plan.traits)
        if changed:
            self.traits.update(changed)
            self.add(at + SECOND, identify(self.who, at + SECOND, changed))
        return self.emit(self.boosted(plan), at + 60 * SECOND, plan.window_days)

    def boosted(self, plan: Plan) -> list[PlannedEvent]:
        """The plan's events, preceded by engagement earning what its score threshold asks."""
        earned = sum(self.earn(event) for event in plan.events)
        boosts: list[PlannedEvent] = []
        for _ in range(MAX_BOOSTS if plan.score and self.scenario.boosters else 0):
            if earned >= SCORE_MARGIN * plan.score:
                break
            rule = self.rng.choice(self.scenario.boosters)
            event = PlannedEvent(rule.event, properties_for(rule.where, self.rng))
            points = self.earn(event)
            boosts += [event] if points > 0 else []
            earned += points
        return boosts + plan.events

    def earn(self, event: PlannedEvent) -> float:
        """Points an event earns by the engagement rules, within each rule's lifetime cap."""
        points = 0.0
        for rule in self.scenario.engagement.get(event.name, ()):
            if matches(rule.where, event.properties):
                room = rule.points if rule.cap is None else rule.cap - self.given[rule.name]
                gained = max(0, min(rule.points, room))
                self.given[rule.name] += gained
                points += gained
        return points

    def recycle(self, at: datetime) -> datetime | None:
        """Sales sends the lead back to nurture; when it comes back, if it ever does."""
        when = at + days(self.rng.uniform(3, 21))
        reason = self.rng.choice(RECYCLE_REASONS)
        self.add(when, LeadCommand("recycle", self.user_id, reason, when))
        return self.come_back(when)

    def come_back(self, left: datetime) -> datetime | None:
        """When a contact sent back to nurture engages again, if it ever does."""
        if self.rng.random() >= REENGAGE_SHARE:
            return None
        return left + days(self.rng.uniform(30, 120))
