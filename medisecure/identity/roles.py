"""The roles people hold. Cognito groups are the source of truth: the role is
recomputed from the `cognito:groups` claim at every sign-in."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PATIENT = "patient"
    DOCTOR = "doctor"
    ADMIN = "admin"
    MARKETER = "marketer"
    # Books, moves and cancels for callers and marks arrivals; no charts,
    # documents or messages.
    FRONTDESK = "frontdesk"


STAFF_ROLES = frozenset({Role.DOCTOR, Role.ADMIN, Role.FRONTDESK})

HOME_URL_NAMES = {
    Role.PATIENT: "patients:home",
    Role.DOCTOR: "appointments:doctor_home",
    Role.ADMIN: "admin:index",
    Role.MARKETER: "marketing",
    Role.FRONTDESK: "frontdesk:home",
}


def role_from_groups(groups) -> Role | None:
    """The one role a set of Cognito groups grants.

    A user in no role group, or in more than one, gets no role: an ambiguous
    account is refused until an administrator fixes its groups (fail closed)."""
    if not isinstance(groups, (list, tuple)):
        return None
    roles = {Role(group) for group in groups if group in Role._value2member_map_}
    return roles.pop() if len(roles) == 1 else None
