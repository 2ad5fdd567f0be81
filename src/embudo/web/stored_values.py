"""Report values as JSON text and back, types kept: what the report cache stores.

A cached result must read back equal to a fresh computation, so the values
JSON has no type for — `Decimal` money, `date` days, `datetime` moments —
are written tagged (`{"$": "decimal", "v": "12.5000"}`) and rebuilt; floats
round-trip exactly (JSON writes their shortest exact form). Anything else is
refused, so an unforeseen type fails loudly instead of coming back changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

TAG = "$"
_PLAIN = (str, int, float, bool, type(None))
_READ: dict[str, Callable[[str], Any]] = {
    "decimal": Decimal,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
}


def encode(value: Any) -> str:
    """`value` (dicts, lists, plain values, Decimal, date, datetime) as JSON text."""
    return json.dumps(_tagged(value), separators=(",", ":"))


def decode(text: str) -> Any:
    """The value `encode` wrote."""
    return json.loads(text, object_hook=_untagged)


def _tagged(value: Any) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return {str(key): _tagged(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tagged(item) for item in value]
    if isinstance(value, Decimal):
        return {TAG: "decimal", "v": str(value)}
    if isinstance(value, datetime):
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {TAG: "date", "v": value.isoformat()}
    raise TypeError(f"a report value of type {type(value).__name__} cannot be cached: {value!r}")


def _untagged(document: dict[str, Any]) -> Any:
    kind = document.get(TAG)
    if kind is None:
        return document
    return _READ[kind](document["v"])
