"""The waitlist: patients waiting, in the order they joined, for a doctor's
time (of one visit type) to free; the first is offered a freed slot, held
for them for HOLD_MINUTES by the slot's own lock items, then the next.
Plain data and rules only."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from medisecure.errors import DomainError, NotFound

HOLD_MINUTES = 15
HOLD = timedelta(minutes=HOLD_MINUTES)
# How far ahead a doctor must be full for a patient to join.
FULL_DAYS = 14
WAITING = "waiting"
OFFERED = "offered"
DONE = "done"
CLAIMED = "claimed"
EXPIRED = "expired"


class AlreadyWaiting(DomainError):
    """The patient is on this doctor's list for this visit type already."""


class TimesAreFree(DomainError):
    """The doctor has free times in the next two weeks: book one instead."""


class HoldNotFound(NotFound):
    """No hold with that id for this patient."""


class HoldGone(DomainError):
    """The hold ran out, or was claimed already."""


def list_key(provider_id: str, visit_type_id: str) -> str:
    return f"list#{provider_id}#{visit_type_id}"


def new_hold_id() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class WaitEntry:
    provider_id: str
    visit_type_id: str
    patient_id: str
    joined_at: str  # the sort key: "<stamp>#<patient id>"
    status: str = WAITING

    @property
    def list_key(self) -> str:
        return list_key(self.provider_id, self.visit_type_id)


@dataclass(frozen=True)
class Hold:
    """A freed slot held for one waitlisted patient until `expires_at`."""

    hold_id: str
    provider_id: str
    visit_type_id: str
    patient_id: str
    entry_joined_at: str
    start: datetime
    end: datetime
    expires_at: datetime
    lock_ids: tuple[str, ...]
    status: str = OFFERED

    def live(self, now: datetime) -> bool:
        return self.status == OFFERED and now <= self.expires_at

    def with_status(self, status: str) -> Hold:
        return replace(self, status=status)
