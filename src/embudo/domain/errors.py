"""One family of errors, each with a stable code and a message a person can act on.

A message says what is wrong, where (file:line, field, row) and what to do.
Interfaces print `str(error)` and exit with `exit_code`; nothing else about the
error needs to be known to them.
"""

from __future__ import annotations


class EmbudoError(Exception):
    """Base of every error embudo reports to a user."""

    code = "embudo"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SpecError(EmbudoError):
    """The funnel definition is invalid; `problems` holds one line per mistake."""

    code = "spec.invalid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class NotFound(EmbudoError):
    code = "not_found"


class InvalidInput(EmbudoError):
    code = "input.invalid"


class NotAllowed(EmbudoError):
    """The person signed in may not do this (their role does not grant it)."""

    code = "access.not_allowed"


class MoveNotAllowed(EmbudoError):
    """A lifecycle move the funnel definition does not allow."""

    code = "lifecycle.move_not_allowed"


class DatabaseNotReady(EmbudoError):
    """The database is unreachable or not migrated to the schema this code needs."""

    code = "store.not_ready"


class PlaybookLoop(EmbudoError):
    """Playbooks kept triggering one another past the nesting limit: a definition bug."""

    code = "playbook.loop"


class TooManyAttempts(EmbudoError):
    """Sign-in is refused for a while: too many wrong passwords for an email or from an address."""

    code = "access.too_many_attempts"

    def __init__(self, minutes: int) -> None:
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(f"too many sign-in attempts; try again in {minutes} {unit}")
        self.minutes = minutes
