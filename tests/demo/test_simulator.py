"""The demo stream: deterministic, ordered, valid Segment, and shaped like a real funnel."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from demo_stream import END, START, Contact, contacts

from embudo.demo.simulator import LeadCommand, Step, simulate
from embudo.demo.steps import DISQUALIFY_REASONS, RECYCLE_REASONS
from embudo.domain.channels import DIRECT, OTHER, channel_of
from embudo.domain.lifecycle import earliest
from embudo.domain.messages import Message as Segment
from embudo.domain.spec import FunnelSpec

TEMPLATES = sorted((Path(__file__).parents[2] / "src/embudo/templates").glob("*.yaml"))


def at(step: Step) -> datetime:
    if not isinstance(step, dict):
        return step.at
    return datetime.fromisoformat(str(step["timestamp"]).replace("Z", "+00:00"))


def messages(steps: list[Step]) -> list[Segment]:
    return [Segment.model_validate(step) for step in steps if isinstance(step, dict)]


def reached(spec: FunnelSpec, contact: Contact, stage: str) -> bool:
    """Whether the stage's condition held at some moment, over the contact's own events."""
    return earliest(spec.qualification[stage], contact.facts(spec), None) is not None


def test_the_same_seed_gives_the_same_stream(seed_spec: FunnelSpec) -> None:
    first = list(simulate(seed_spec, contacts=300, seed=3, start=START))
    second = list(simulate(seed_spec, contacts=300, seed=3, start=START))
    assert first == second
    assert len(first) > 300


def test_another_seed_gives_another_stream(seed_spec: FunnelSpec) -> None:
    first = list(simulate(seed_spec, contacts=300, seed=3, start=START))
    other = list(simulate(seed_spec, contacts=300, seed=4, start=START))
    assert first != other


def test_steps_are_in_time_order_within_the_months(year: list[Step]) -> None:
    moments_ = [at(step) for step in year]
    assert moments_ == sorted(moments_)
    assert moments_[0] >= START and moments_[-1] <= END


def test_months_bound_the_stream(seed_spec: FunnelSpec) -> None:
    steps = list(simulate(seed_spec, contacts=200, seed=1, start=START, months=2))
    assert max(at(step) for step in steps) <= datetime(2024, 3, 1, tzinfo=UTC)


def test_a_naive_start_is_taken_as_utc(seed_spec: FunnelSpec) -> None:
    naive = list(simulate(seed_spec, contacts=50, seed=1, start=datetime(2024, 1, 1)))
    assert naive == list(simulate(seed_spec, contacts=50, seed=1, start=START))


def test_every_message_is_a_valid_segment_message_with_a_unique_id(year: list[Step]) -> None:
    valid = messages(year)
    ids = [message.message_id for message in valid]
    assert len(set(ids)) == len(ids) == len([step for step in year if isinstance(step, dict)])
    assert all(message.timestamp is not None for message in valid)
    assert {message.type for message in valid} == {"page", "identify", "group", "track"}


def test_identify_joins_the_anonymous_visitor_to_a_known_contact(year: list[Step]) -> None:
    identifies = [message for message in messages(year) if message.type == "identify"]
    forms = [message for message in identifies if message.email]
    assert forms and all(message.anonymous_id and message.user_id for message in identifies)
    assert {"email", "firstName", "lastName", "country"} <= forms[0].traits.keys()


def test_track_events_are_in_the_vocabulary(seed_spec: FunnelSpec, year: list[Step]) -> None:
    tracked = Counter(message.event for message in messages(year) if message.type == "track")
    assert set(tracked) <= set(seed_spec.events)
    assert len(tracked) >= 6


def test_campaigns_map_to_the_spec_channels(seed_spec: FunnelSpec, year: list[Step]) -> None:
    touches = [message.context.campaign for message in messages(year) if message.type == "page"]
    channels = Counter(channel_of(seed_spec.channels, touch) for touch in touches if touch)
    assert OTHER not in channels and DIRECT not in channels
    assert set(channels) == {channel.key for channel in seed_spec.channels}
    assert all(touch.name for touch in touches if touch)


def test_a_share_of_visitors_come_direct(people: dict[str, Contact]) -> None:
    landings = [contact.occurrences[0] for contact in people.values()]
    direct = [landing for landing in landings if "utm_source" not in landing.properties["url"]]
    assert 0.1 * len(landings) < len(direct) < 0.35 * len(landings)


def test_fewer_contacts_climb_each_stage(seed_spec: FunnelSpec, people: dict[str, Contact]) -> None:
    known = [contact for contact in people.values() if contact.user_id]
    mql = [contact for contact in known if reached(seed_spec, contact, "mql")]
    sql = [contact for contact in known if reached(seed_spec, contact, "sql")]
    assert 0.1 * 2000 < len(known) < 0.35 * 2000
    assert 0.2 * len(known) < len(mql) < 0.5 * len(known)
    assert 0.2 * len(mql) < len(sql) < 0.6 * len(mql)


def test_some_contacts_engage_only_partly(
    seed_spec: FunnelSpec, people: dict[str, Contact]
) -> None:
    known = [contact for contact in people.values() if contact.user_id]
    registered = [c for c in known if any(o.name == "webinar_registered" for o in c.occurrences)]
    partial = [contact for contact in registered if not reached(seed_spec, contact, "mql")]
    assert len(partial) > 0.1 * len(registered)


def test_sales_recycles_and_disqualifies(year: list[Step]) -> None:
    commands = [step for step in year if isinstance(step, LeadCommand)]
    kinds = Counter(command.kind for command in commands)
    assert kinds["recycle"] > 5 and kinds["disqualify"] > 5
    recycled = {command.reason for command in commands if command.kind == "recycle"}
    disqualified = {command.reason for command in commands if command.kind == "disqualify"}
    assert recycled <= set(RECYCLE_REASONS) and len(recycled) > 1
    assert disqualified <= set(DISQUALIFY_REASONS) and len(disqualified) > 1


def test_recycled_mqls_were_mqls_and_some_come_back(
    seed_spec: FunnelSpec, people: dict[str, Contact]
) -> None:
    recycled = [c for c in people.values() if any(x.kind == "recycle" for x in c.commands)]
    assert all(reached(seed_spec, contact, "mql") for contact in recycled)
    back = [contact for contact in recycled if _qualifies_after_recycle(seed_spec, contact)]
    assert 0 < len(back) < len(recycled)


def _qualifies_after_recycle(spec: FunnelSpec, contact: Contact) -> bool:
    """Whether the contact qualifies again (as an MQL or an SQL) after its first recycle."""
    since = next(command.at for command in contact.commands if command.kind == "recycle")
    facts = contact.facts(spec)
    return any(earliest(spec.qualification[key], facts, since) for key in ("mql", "sql"))


def test_nothing_happens_after_a_disqualification(people: dict[str, Contact]) -> None:
    for contact in people.values():
        for command in contact.commands:
            if command.kind == "disqualify":
                assert all(occurrence.at <= command.at for occurrence in contact.occurrences)


def test_a_few_emails_meet_the_disqualify_rule(year: list[Step]) -> None:
    emails = [message.email for message in messages(year) if message.email]
    rivals = [email for email in emails if email.endswith("@rival.example")]
    assert 0 < len(rivals) < 0.1 * len(emails)


def test_fit_traits_sometimes_match(year: list[Step]) -> None:
    forms = [message.traits for message in messages(year) if message.email]
    titles = Counter("director" in str(traits.get("job_title")) for traits in forms)
    countries = Counter(traits["country"] in ("ES", "IT") for traits in forms)
    assert titles[True] > 0.25 * len(forms) and titles[False] > 0.25 * len(forms)
    assert countries[True] > 0.25 * len(forms) and countries[False] > 0.25 * len(forms)


def test_companies_are_shared_and_keep_their_traits(year: list[Step]) -> None:
    groups = [message for message in messages(year) if message.type == "group"]
    by_company = {message.group_id: message.traits for message in groups}
    assert len(by_company) < len(groups)
    assert all(by_company[message.group_id] == message.traits for message in groups)


def test_some_contacts_unsubscribe(year: list[Step]) -> None:
    events = Counter(message.event for message in messages(year) if message.type == "track")
    assert 0 < events["newsletter_unsubscribed"] < events["webinar_registered"]


def test_traffic_has_seasons(people: dict[str, Contact]) -> None:
    arrivals = Counter(contact.occurrences[0].at.month for contact in people.values())
    assert len(arrivals) == 12
    assert max(arrivals.values()) > 1.3 * min(arrivals.values())


def test_traffic_is_lower_at_weekends(people: dict[str, Contact]) -> None:
    days = Counter(contact.occurrences[0].at.weekday() for contact in people.values())
    assert days[6] < 0.7 * days[1]


@pytest.mark.parametrize("path", TEMPLATES, ids=[path.stem for path in TEMPLATES])
def test_every_template_gets_a_believable_demo(path: Path) -> None:
    spec = FunnelSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    steps = list(simulate(spec, contacts=1500, seed=11, start=START))
    tracked = {message.event for message in messages(steps) if message.type == "track"}
    assert tracked <= set(spec.events)
    touches = [message.context.campaign for message in messages(steps)]
    assert all(channel_of(spec.channels, touch) != OTHER for touch in touches if touch)
    known = [contact for contact in contacts(steps).values() if contact.user_id]
    mql = [contact for contact in known if reached(spec, contact, "mql")]
    sql = [contact for contact in known if reached(spec, contact, "sql")]
    assert 0.15 * len(known) < len(mql) and 0 < len(sql) < len(mql)
