"""Passwords of the people who sign in to the dashboard: Argon2id hashes, never the text.

`pwdlib` writes PHC strings (`$argon2id$v=19$m=…`) that carry their own salt
and cost, so a later, stronger default still verifies old hashes, and
`verify` hands back a new hash when the stored one is weaker than today's.
"""

from __future__ import annotations

from functools import cache

from pwdlib import PasswordHash

from embudo.domain.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 256
"""Longer is refused before hashing: Argon2 of megabytes is a cheap way to load the server."""

HASHER = PasswordHash.recommended()


def check_password(password: str) -> None:
    """Refuse a new password that is too short or too long, saying what to use instead."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password is too short: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password is too long: use at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    """The stored form of a new password, refused when too short or too long."""
    check_password(password)
    return HASHER.hash(password)


def verify(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Whether `password` matches `stored`, and a stronger hash to store when there is one.

    A user without a password (`stored` None) never matches, after the same work.
    """
    if len(password) > MAX_LENGTH:
        return False, None
    valid, updated = HASHER.verify_and_update(password, stored or unusable())
    return valid and stored is not None, updated


@cache
def unusable() -> str:
    """What a sign-in for an unknown email is checked against, so it takes as long as a real one.

    Made on first use, not at import: every command imports this module.
    """
    return HASHER.hash("embudo: no user has this password")
