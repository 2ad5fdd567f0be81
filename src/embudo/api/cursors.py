"""Opaque cursors: where a page ended, as a token the client passes back unread.

A cursor is base64url JSON `[sort, value, id]`: the sort it was made under
and the last row's sort value and id (`embudo.store.keyset`). Clients must
not build or edit one; a token that is not one this API gave, or given with
another sort, is a 422 saying to start again.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from embudo.domain.errors import InvalidInput
from embudo.store.keyset import CURSOR_HELP, Mark, plain


def write(sort: str, last: Any) -> str:
    """The cursor of the rows after `last` (a row with `id` and the sort's field) in `sort`."""
    value = getattr(last, sort.removeprefix("-"))
    text = json.dumps([sort, plain(value), last.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read(cursor: str, sort: str) -> Mark:
    """The mark `cursor` holds, as JSON gave it (the query types it); refused if not ours."""
    found = _decoded(cursor)
    if not (isinstance(found, list) and len(found) == 3 and isinstance(found[0], str)):
        raise _foreign()
    if found[0] != sort:
        raise InvalidInput(
            f"cursor: made for sort={found[0]}, not sort={sort} — "
            f"pass sort={found[0]} with it, or start again without `cursor`"
        )
    return Mark(found[1], found[2])


def _decoded(cursor: str) -> Any:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(text, parse_constant=_refuse)
    except (binascii.Error, ValueError, RecursionError):
        raise _foreign() from None


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not a sort value")


def _foreign() -> InvalidInput:
    return InvalidInput(f"cursor: not a cursor this API gave — {CURSOR_HELP}")
