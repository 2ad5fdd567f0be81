"""How many wrong passwords sign-in takes before it stops trying: the attempt limit.

Guessing a password costs the guesser one request per try, and the server an
Argon2 hash. After `PER_EMAIL` failures for one email within `WINDOW`, or
`PER_CLIENT` from one client address (an office behind one address has many
people mistyping, so it is allowed more), further attempts are refused without
hashing until the oldest failure that counts leaves the window. A success
clears its email's failures; a client address's only age out, so owning one
account does not reset the count of an address trying many.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
PER_EMAIL = 5
PER_CLIENT = 20


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom failures are counted for: an email, or a client address, with its limit."""

    key: str
    limit: int


def subjects(email: str, client: str | None) -> tuple[Subject, ...]:
    """The email's counter, and the client address's when it is known."""
    by_email = Subject(f"email:{email.strip().lower()}", PER_EMAIL)
    if not client:
        return (by_email,)
    return by_email, Subject(f"client:{client}", PER_CLIENT)


def blocked_until(failures: Sequence[datetime], limit: int) -> datetime | None:
    """When a subject with these failures (within the window) may try again; None if now.

    Refused attempts are not counted, so the count is at most `limit`: the
    subject is free once the `limit`-th latest failure is older than the window.
    """
    if len(failures) < limit:
        return None
    return sorted(failures)[-limit] + WINDOW


def minutes_until(moment: datetime, now: datetime) -> int:
    """Whole minutes from `now` to `moment`, rounded up (at least 1): what a person is told."""
    return max(1, math.ceil((moment - now).total_seconds() / 60))
