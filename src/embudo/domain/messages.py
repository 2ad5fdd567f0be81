"""Segment-spec messages: the format analytics.js, segment-analytics-python,
RudderStack and PostHog clients send, so existing tracking code works unchanged.

Unknown top-level keys are kept out of the way (`extra="ignore"`): SDKs add
fields of their own (`writeKey`, `_metadata`, `integrations`) that embudo
does not need and must not refuse.

When it happened (`occurred_at`) follows Segment's timestamps: an explicit
`timestamp` is trusted as it is; a message received over HTTP with the
client's `sentAt` and `originalTimestamp` (both on the client's clock) but
no `timestamp` is timed `receivedAt - (sentAt - originalTimestamp)`
(`skew_corrected`): the delay between the event and its sending, measured on
one clock, taken back from the server's receiving time, so a device clock
set hours wrong does not move the event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

MAX_MESSAGE_BYTES = 32 * 1024


def holds_unstorable(value: object) -> bool:
    """True when a text anywhere in `value` (keys included) holds U+0000 or an unpaired
    surrogate (U+D800 to U+DFFF alone, which JSON's `\\uD800` escape can spell).

    PostgreSQL cannot store U+0000 in text or JSONB, and no database can store
    a lone surrogate as UTF-8, so a body holding one is refused whole at the
    door rather than failing half-way through a write.
    """
    if isinstance(value, str):
        return "\x00" in value or (not value.isascii() and _unencodable(value))
    if isinstance(value, dict):
        return any(holds_unstorable(key) or holds_unstorable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_unstorable(item) for item in value)
    return False


def _unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


"""Segment's own per-message limit (32 KB); larger messages are rejected."""

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""No event happened before the Unix epoch: an earlier time is a sender whose clock
is unset (or garbage), and decaying points over millennia is out of any range."""

LATEST = datetime(3000, 1, 1, tzinfo=UTC)
"""Nor after the year 2999: such a time is a clock gone wrong too, and near the calendar's
end it could not even be turned into UTC or have a deadline added to it."""

MessageType = Literal["identify", "track", "page", "screen", "group", "alias"]


class Campaign(BaseModel):
    """`context.campaign`: the UTM parameters of the touch."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str | None = None
    source: str | None = None
    medium: str | None = None
    term: str | None = None
    content: str | None = None


class Context(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    campaign: Campaign | None = None
    traits: dict[str, Any] = Field(default_factory=dict)
    page: dict[str, Any] = Field(default_factory=dict)


class Message(BaseModel):
    """One Segment message, validated; `at` is when it happened, in UTC."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    type: MessageType
    message_id: str = Field(alias="messageId", min_length=1, max_length=200)
    anonymous_id: str | None = Field(default=None, alias="anonymousId", max_length=200)
    user_id: str | None = Field(default=None, alias="userId", max_length=200)
    timestamp: AwareDatetime | None = None
    original_timestamp: AwareDatetime | None = Field(default=None, alias="originalTimestamp")
    sent_at: AwareDatetime | None = Field(default=None, alias="sentAt")
    event: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    properties: dict[str, Any] = Field(default_factory=dict)
    traits: dict[str, Any] = Field(default_factory=dict)
    group_id: str | None = Field(default=None, alias="groupId", max_length=200)
    previous_id: str | None = Field(default=None, alias="previousId", max_length=200)
    context: Context = Field(default_factory=Context)

    @model_validator(mode="before")
    @classmethod
    def _coerce_ids(cls, data: Any) -> Any:
        """SDKs may send numeric ids; Segment treats every id as a string."""
        if isinstance(data, dict):
            for key in ("userId", "anonymousId", "groupId", "previousId", "messageId"):
                if isinstance(data.get(key), int | float) and not isinstance(data[key], bool):
                    data = {**data, key: str(data[key])}
        return data

    @field_validator("timestamp", "original_timestamp", "sent_at")
    @classmethod
    def _within_range(cls, moment: datetime | None) -> datetime | None:
        if moment is not None and moment < EARLIEST:
            raise ValueError("is before 1970-01-01: the sender's clock is not set")
        if moment is not None and moment >= LATEST:
            raise ValueError("is in the year 3000 or later: the sender's clock is wrong")
        return moment

    @model_validator(mode="after")
    def _required_by_type(self) -> Message:
        if not (self.user_id or self.anonymous_id):
            raise ValueError("userId or anonymousId is required")
        if self.type == "track" and not self.event:
            raise ValueError("a track message needs `event`")
        if self.type == "group" and not self.group_id:
            raise ValueError("a group message needs `groupId`")
        if self.type == "alias" and not (self.previous_id and self.user_id):
            raise ValueError("an alias message needs `previousId` and `userId`")
        return self

    def occurred_at(self, received_at: datetime) -> datetime:
        """When it happened: `timestamp`, else `originalTimestamp`, else when received."""
        moment = self.timestamp or self.original_timestamp or received_at
        return moment.astimezone(UTC)

    def skew_corrected(self, received_at: datetime) -> Message:
        """The message timed as Segment's servers time one they receive, at `received_at`.

        Without `timestamp`, but with `sentAt` and `originalTimestamp`, its
        `timestamp` becomes `received_at - (sentAt - originalTimestamp)`, never
        later than `received_at` (a `sentAt` before the event is a broken clock,
        not a message from the future). One carrying no time at all is timed
        `received_at`, so it keeps its time when applied later (a queued batch).
        Otherwise it is returned unchanged.
        """
        if self.timestamp is None and self.original_timestamp is None:
            return self.model_copy(update={"timestamp": received_at})
        if self.timestamp is not None or self.sent_at is None or self.original_timestamp is None:
            return self
        corrected = received_at - (self.sent_at - self.original_timestamp)
        return self.model_copy(update={"timestamp": min(corrected, received_at)})

    @property
    def event_name(self) -> str:
        """The name scoring and qualification see: the track event, or the message type."""
        if self.type == "track" and self.event:
            return self.event
        return "page" if self.type == "screen" else self.type

    @property
    def email(self) -> str | None:
        """The email the message carries in its traits, normalised to lower case."""
        value = self.traits.get("email") or self.context.traits.get("email")
        return value.strip().lower() if isinstance(value, str) and value.strip() else None

    @property
    def properties_seen(self) -> dict[str, Any]:
        """Properties as conditions see them; a page also exposes `context.page`'s path and url."""
        if self.type in ("page", "screen"):
            return {**self.context.page, **self.properties}
        return self.properties
