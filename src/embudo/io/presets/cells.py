"""Reading cells of exported CSVs: dates without a zone, amounts, multi-valued fields."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation


def moment(text: str) -> datetime | None:
    """`2018-02-01` or `2018-02-26 19:58:54` as a UTC time; None when empty or unreadable.

    The sources give no time zone; they are read as UTC, and the presets'
    workspaces report in UTC, so a date stays the same date in every report.
    """
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def amount(text: str) -> Decimal | None:
    """`1054` or `100000.0` as a Decimal; None when empty, unreadable or negative."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def values(text: str) -> list[str]:
    """The values of a comma-separated cell (`cat, wolf`), in order, without blanks."""
    return [part.strip() for part in text.split(",") if part.strip()]


def iso(at: datetime) -> str:
    return at.isoformat()
