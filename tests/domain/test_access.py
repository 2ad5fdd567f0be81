"""API key roles: an intake (write) key, public in web pages, may only send events."""

from __future__ import annotations

import pytest

from embudo.domain.access import Permission, Role, allows

CASES = [
    (Role.INTAKE, Permission.INGEST, True),
    (Role.INTAKE, Permission.READ, False),
    (Role.READ, Permission.READ, True),
    (Role.READ, Permission.WRITE, False),
    (Role.READ, Permission.INGEST, False),
    (Role.WRITE, Permission.WRITE, True),
    (Role.WRITE, Permission.CONFIGURE, False),
    (Role.ADMIN, Permission.CONFIGURE, True),
]


@pytest.mark.parametrize(("role", "needed", "expected"), CASES)
def test_allows(role: Role, needed: Permission, expected: bool) -> None:
    assert allows(role, needed) is expected
