"""Profile: traits, subscription and company folded from a contact's history."""

from __future__ import annotations

from typing import Any

import pytest
from builders import day, occurrence

from embudo.domain.conditions import Occurrence
from embudo.domain.profile import GROUP_KEY, profile


def identify(hour: int, **traits: Any) -> Occurrence:
    return occurrence("identify", day(1, hour), **traits)


def track(hour: int, name: str, **properties: Any) -> Occurrence:
    return occurrence(name, day(1, hour), **properties)


def group(hour: int, group_id: str, **traits: Any) -> Occurrence:
    return occurrence("group", day(1, hour), **{GROUP_KEY: group_id, **traits})


@pytest.mark.parametrize(
    ("history", "traits"),
    [
        ([], {}),
        (
            [identify(1, email="ana@acme.example", plan="free")],
            {"email": "ana@acme.example", "plan": "free"},
        ),
        (
            [identify(1, plan="free", country="ES"), identify(2, plan="pro", seats=5)],
            {"plan": "pro", "country": "ES", "seats": 5},
        ),
        ([identify(1, plan="free", country="ES"), identify(2, plan=None)], {"country": "ES"}),
        ([identify(1, country="ES"), identify(2, plan=None)], {"country": "ES"}),
        ([identify(1, plan=None), identify(2, plan="pro")], {"plan": "pro"}),
        ([track(1, "page", path="/pricing"), track(2, "trial_started", plan="pro")], {}),
        ([group(1, "acme", employees=80)], {}),
    ],
)
def test_traits_fold_identify_messages_in_order(
    history: list[Occurrence], traits: dict[str, Any]
) -> None:
    assert profile(history).traits == traits


@pytest.mark.parametrize(
    ("history", "unsubscribed"),
    [
        ([], False),
        ([track(1, "unsubscribed")], True),
        ([track(1, "unsubscribed"), track(2, "subscribed")], False),
        ([track(1, "subscribed"), track(2, "unsubscribed")], True),
        ([identify(1, unsubscribed=True)], True),
        ([identify(1, unsubscribed=True), identify(2, unsubscribed=False)], False),
        ([identify(1, unsubscribed=True), identify(2, plan="pro")], True),
        ([track(1, "unsubscribed"), identify(2, subscribed=True)], False),
        ([identify(1, unsubscribed=True), identify(2, subscribed=True)], False),
        ([identify(1, subscribed=False)], True),
        ([track(1, "unsubscribed"), track(2, "newsletter_opened")], True),
    ],
)
def test_unsubscribe_and_subscribe(history: list[Occurrence], unsubscribed: bool) -> None:
    assert profile(history).unsubscribed is unsubscribed


@pytest.mark.parametrize(
    ("history", "group_id"),
    [
        ([], None),
        ([group(1, "acme")], "acme"),
        ([group(1, "acme"), group(2, "globex", name="Globex")], "globex"),
        ([group(1, "acme"), identify(2, company="globex")], "acme"),
    ],
)
def test_the_group_is_the_last_group_message(
    history: list[Occurrence], group_id: str | None
) -> None:
    assert profile(history).group_id == group_id


@pytest.mark.parametrize(
    ("history", "email"),
    [
        ([], None),
        ([identify(1, email="ana@acme.example")], "ana@acme.example"),
        ([identify(1, email="ana@acme.example"), identify(2, email=None)], None),
        ([identify(1, email=42)], None),
    ],
)
def test_email_is_the_email_trait_when_it_is_text(
    history: list[Occurrence], email: str | None
) -> None:
    assert profile(history).email == email
