"""Who may do what: API key roles, dashboard user roles, and the permissions each grants.

An `intake` key is a Segment write key: analytics.js puts it in every page a
visitor loads, so it is public and must grant nothing but sending events.
People and integrations that read or change the funnel get `read`, `write`
or `admin` keys, kept secret. People signed in to the dashboard are `member`s,
who read and work the funnel (move deals, accept leads), or `admin`s, who
also configure it (apply the funnel definition, manage API keys).
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    INGEST = "ingest"
    READ = "read"
    WRITE = "write"
    CONFIGURE = "configure"


class Role(StrEnum):
    INTAKE = "intake"
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.INTAKE: frozenset({Permission.INGEST}),
    Role.READ: frozenset({Permission.READ}),
    Role.WRITE: frozenset({Permission.READ, Permission.WRITE, Permission.INGEST}),
    Role.ADMIN: frozenset(Permission),
}


class UserRole(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


USER_GRANTS: dict[UserRole, frozenset[Permission]] = {
    UserRole.MEMBER: frozenset({Permission.READ, Permission.WRITE}),
    UserRole.ADMIN: frozenset(Permission),
}


def allows(role: Role, needed: Permission) -> bool:
    """Whether a key of `role` may do what needs `needed`."""
    return needed in GRANTS[role]


def user_allows(role: str, needed: Permission) -> bool:
    """Whether a user of `role` may do what needs `needed` (an unknown role grants nothing)."""
    known = {item.value: item for item in UserRole}
    return role in known and needed in USER_GRANTS[known[role]]
