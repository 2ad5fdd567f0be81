"""Segment messages: the shapes SDKs send, validated, with when they happened in UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from embudo.domain.messages import Message, holds_unstorable

RECEIVED = datetime(2024, 3, 5, 12, tzinfo=UTC)


def message(**fields: Any) -> Message:
    return Message.model_validate({"messageId": "m1", "anonymousId": "a1", **fields})


@pytest.mark.parametrize(
    ("fields", "event_name"),
    [
        ({"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}, "identify"),
        ({"type": "track", "event": "webinar_watched", "properties": {"id": 7}}, "webinar_watched"),
        ({"type": "page", "name": "Pricing", "properties": {"path": "/pricing"}}, "page"),
        ({"type": "screen", "name": "Settings"}, "page"),
        ({"type": "group", "groupId": "acme", "traits": {"employees": 80}}, "group"),
        ({"type": "alias", "previousId": "a1", "userId": "u1"}, "alias"),
    ],
)
def test_each_segment_type_has_its_event_name(fields: dict[str, Any], event_name: str) -> None:
    assert message(**fields).event_name == event_name


def test_a_track_message_keeps_its_fields() -> None:
    parsed = message(type="track", userId="u1", event="trial_started", properties={"plan": "pro"})
    assert (parsed.user_id, parsed.anonymous_id, parsed.event) == ("u1", "a1", "trial_started")
    assert parsed.properties == {"plan": "pro"}


def test_a_batch_item_with_sdk_keys_is_accepted() -> None:
    item = {
        "type": "track",
        "event": "ebook_downloaded",
        "messageId": "ajs-next-1",
        "userId": "u1",
        "writeKey": "secret",
        "sentAt": "2024-03-05T12:00:01Z",
        "_metadata": {"bundled": ["Segment.io"]},
        "integrations": {"All": True},
        "context": {"library": {"name": "analytics.js"}, "ip": "203.0.113.9", "locale": "es-ES"},
        "version": 2,
    }
    parsed = Message.model_validate(item)
    assert (parsed.type, parsed.event, parsed.user_id) == ("track", "ebook_downloaded", "u1")


@pytest.mark.parametrize(
    ("key", "value", "attribute", "expected"),
    [
        ("userId", 42, "user_id", "42"),
        ("anonymousId", 7, "anonymous_id", "7"),
        ("messageId", 1001, "message_id", "1001"),
        ("groupId", 99, "group_id", "99"),
        ("previousId", 3, "previous_id", "3"),
        ("userId", 4.5, "user_id", "4.5"),
    ],
)
def test_numeric_ids_become_strings(key: str, value: Any, attribute: str, expected: str) -> None:
    fields = {"type": "alias", "userId": "u1", "previousId": "p1", "groupId": "g1", key: value}
    assert getattr(message(**fields), attribute) == expected


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"type": "track"}, "a track message needs `event`"),
        ({"type": "track", "event": ""}, "a track message needs `event`"),
        ({"type": "group", "traits": {"name": "Acme"}}, "a group message needs `groupId`"),
        ({"type": "alias", "userId": "u1"}, "an alias message needs `previousId` and `userId`"),
        ({"type": "alias", "previousId": "a0"}, "an alias message needs `previousId` and `userId`"),
        ({"type": "page", "anonymousId": None}, "userId or anonymousId is required"),
        ({"type": "page", "anonymousId": "", "userId": ""}, "userId or anonymousId is required"),
    ],
)
def test_required_fields_by_type(fields: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(error)):
        message(**fields)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"type": "track", "event": "x", "messageId": ""}, "string_too_short"),
        ({"type": "flush"}, "literal_error"),
        ({"type": "page", "userId": "u" * 201}, "string_too_long"),
        ({"type": "page", "userId": True}, "string_type"),
    ],
)
def test_malformed_fields_are_refused(fields: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError) as refused:
        message(**fields)
    assert error in [problem["type"] for problem in refused.value.errors()]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"timestamp": "2024-03-01T10:00:00Z", "originalTimestamp": "2024-02-01T10:00:00Z"},
            datetime(2024, 3, 1, 10, tzinfo=UTC),
        ),
        ({"originalTimestamp": "2024-02-01T10:00:00Z"}, datetime(2024, 2, 1, 10, tzinfo=UTC)),
        ({}, RECEIVED),
        ({"timestamp": "2024-03-01T10:00:00+02:00"}, datetime(2024, 3, 1, 8, tzinfo=UTC)),
        ({"timestamp": "2024-03-01T01:30:00-05:00"}, datetime(2024, 3, 1, 6, 30, tzinfo=UTC)),
        (
            {"originalTimestamp": "2024-03-01T00:15:00+01:00"},
            datetime(2024, 2, 29, 23, 15, tzinfo=UTC),
        ),
    ],
)
def test_occurred_at_prefers_timestamp_then_original_then_received(
    fields: dict[str, Any], expected: datetime
) -> None:
    moment = message(type="page", **fields).occurred_at(RECEIVED)
    assert moment == expected
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (  # the device clock runs 3 h fast; sent 10 s after the event, received at RECEIVED
            {"originalTimestamp": "2024-03-05T14:59:50Z", "sentAt": "2024-03-05T15:00:00Z"},
            datetime(2024, 3, 5, 11, 59, 50, tzinfo=UTC),
        ),
        (  # 2 days slow, and an hour queued offline before sending
            {"originalTimestamp": "2024-03-03T09:00:00+01:00",
             "sentAt": "2024-03-03T10:00:00+01:00"},
            datetime(2024, 3, 5, 11, tzinfo=UTC),
        ),
        (  # an explicit timestamp is trusted as it is
            {"timestamp": "2024-03-01T10:00:00Z", "originalTimestamp": "2024-03-05T14:59:50Z",
             "sentAt": "2024-03-05T15:00:00Z"},
            datetime(2024, 3, 1, 10, tzinfo=UTC),
        ),
        ({"originalTimestamp": "2024-02-01T10:00:00Z"}, datetime(2024, 2, 1, 10, tzinfo=UTC)),
        ({"sentAt": "2024-03-05T15:00:00Z"}, RECEIVED),
        (  # sent before it happened: a broken clock, never a future event
            {"originalTimestamp": "2024-03-05T15:00:00Z", "sentAt": "2024-03-05T14:00:00Z"},
            RECEIVED,
        ),
    ],
)  # fmt: skip
def test_a_received_message_is_timed_for_its_senders_clock_skew(
    fields: dict[str, Any], expected: datetime
) -> None:
    received = message(type="page", **fields).skew_corrected(RECEIVED)
    assert received.occurred_at(RECEIVED) == expected


@pytest.mark.parametrize("fields", [{}, {"sentAt": "2024-03-05T15:00:00Z"}])
def test_a_received_message_without_a_time_of_its_own_keeps_its_arrival_time(
    fields: dict[str, Any],
) -> None:
    """A batch applied after it was queued: the time is still when it arrived."""
    received = message(type="page", **fields).skew_corrected(RECEIVED)
    assert received.occurred_at(RECEIVED + timedelta(minutes=5)) == RECEIVED


def test_without_a_receiving_time_the_clients_times_are_kept() -> None:
    fields = {"originalTimestamp": "2024-03-05T14:59:50Z", "sentAt": "2024-03-05T15:00:00Z"}
    moment = message(type="page", **fields).occurred_at(RECEIVED)
    assert moment == datetime(2024, 3, 5, 14, 59, 50, tzinfo=UTC)


@pytest.mark.parametrize("key", ["timestamp", "originalTimestamp", "sentAt"])
def test_a_naive_timestamp_is_refused(key: str) -> None:
    with pytest.raises(ValidationError) as refused:
        message(type="page", **{key: "2024-03-01T10:00:00"})
    assert [problem["type"] for problem in refused.value.errors()] == ["timezone_aware"]


@pytest.mark.parametrize("key", ["timestamp", "originalTimestamp", "sentAt"])
def test_a_timestamp_before_the_epoch_is_refused(key: str) -> None:
    with pytest.raises(ValidationError, match="before 1970-01-01"):
        message(type="page", **{key: "0235-11-19T10:23:47-14:10"})
    assert message(type="page", **{key: "1970-01-01T00:00:00Z"})


@pytest.mark.parametrize("key", ["timestamp", "originalTimestamp", "sentAt"])
def test_a_timestamp_in_the_year_3000_or_later_is_refused(key: str) -> None:
    """Even where UTC would be past the calendar's end (9999-12-31 at -14:00)."""
    for moment in ("9999-12-31T23:59:59-14:00", "3000-01-01T00:00:00Z"):
        with pytest.raises(ValidationError, match="year 3000 or later"):
            message(type="page", **{key: moment})
    assert message(type="page", **{key: "2999-12-31T23:59:59Z"})


@pytest.mark.parametrize(
    ("fields", "email"),
    [
        ({"traits": {"email": " Ana@Acme.EXAMPLE "}}, "ana@acme.example"),
        ({"context": {"traits": {"email": "Ana@Acme.example"}}}, "ana@acme.example"),
        (
            {"traits": {"email": "ana@acme.example"}, "context": {"traits": {"email": "x@y.z"}}},
            "ana@acme.example",
        ),
        ({"traits": {"email": "   "}}, None),
        ({"traits": {"email": 42}}, None),
        ({"traits": {"name": "Ana"}}, None),
        ({}, None),
    ],
)
def test_email_is_normalised(fields: dict[str, Any], email: str | None) -> None:
    assert message(type="identify", **fields).email == email


@pytest.mark.parametrize(
    ("fields", "seen"),
    [
        (
            {"type": "page", "properties": {"title": "Prices"}},
            {"path": "/pricing", "url": "https://acme.example/pricing", "title": "Prices"},
        ),
        (
            {"type": "page", "properties": {"path": "/precios"}},
            {"path": "/precios", "url": "https://acme.example/pricing"},
        ),
        (
            {"type": "screen", "properties": {}},
            {"path": "/pricing", "url": "https://acme.example/pricing"},
        ),
        ({"type": "track", "event": "x", "properties": {"plan": "pro"}}, {"plan": "pro"}),
    ],
)
def test_properties_seen_expose_the_page_context(
    fields: dict[str, Any], seen: dict[str, Any]
) -> None:
    page = {"path": "/pricing", "url": "https://acme.example/pricing"}
    assert message(context={"page": page}, **fields).properties_seen == seen


@pytest.mark.parametrize(
    ("value", "held"),
    [
        ("plain", False),
        ("a\x00b", True),
        ({"k": ["x", {"deep": "\x00"}]}, True),
        ({"\x00": 1}, True),
        ([1, 2.5, None, True, "\\u0000"], False),
        ("año \ud800", True),
        ({"k": ["\udfff"]}, True),
        ("año 😀 perché", False),
    ],
)
def test_holds_unstorable_looks_into_keys_and_nested_values(value: object, held: bool) -> None:
    assert holds_unstorable(value) is held
