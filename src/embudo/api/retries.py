"""Running an ingestion again when a concurrent one got in its way.

Two requests carrying the first messages of the same new person both try to
create its contact; the second to commit breaks a unique key (PostgreSQL) or,
on SQLite, waits past the busy timeout. Its transaction is rolled back whole,
and ingestion is idempotent by `messageId`, so running it again is safe: the
second time the stitcher finds the contact the other request created.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError

Result = TypeVar("Result")
ATTEMPTS = 4
FIRST_PAUSE_SECONDS = 0.02


def retrying(work: Callable[[], Result], attempts: int = ATTEMPTS) -> Result:
    """`work()`, run again after a short random pause when it lost a race; the last error stands."""
    for attempt in range(1, attempts):
        try:
            return work()
        except (IntegrityError, OperationalError):
            time.sleep(FIRST_PAUSE_SECONDS * attempt * (1 + random.random()))
    return work()
