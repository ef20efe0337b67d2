"""Emergency access ("break the glass"): a doctor's time-limited access to
a patient outside their care team. Plain data and rules only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from medisecure import clock
from medisecure.errors import DomainError, Forbidden, NotFound
from patients.domain import Patient

ACTION = "emergency.grant"
LOOKUP_ACTION = "emergency.lookup"
REVIEW_ACTION = "emergency.review.record"
# A grant no admin has reviewed after this long is listed first and counted
# on the admin's index.
REVIEW_OVERDUE_HOURS = 72
APPROPRIATE = "appropriate"
INAPPROPRIATE = "inappropriate"
REVIEW_OUTCOMES = ((APPROPRIATE, "Appropriate"), (INAPPROPRIATE, "Inappropriate"))


@dataclass(frozen=True)
class EmergencyGrant:
    """A doctor's time-limited access to a patient outside their care team."""

    patient_id: str
    provider_id: str
    provider_name: str
    granted_at: str  # clock.stamp
    expires_at: int  # epoch seconds
    reason: str
    reviewed_by: str = ""
    reviewed_by_name: str = ""
    reviewed_at: str = ""  # clock.stamp
    review_outcome: str = ""  # APPROPRIATE or INAPPROPRIATE
    review_note: str = ""

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewed_at)

    def is_live(self, now: int) -> bool:
        """DynamoDB's TTL deletes late (up to days): expiry is enforced here."""
        return now < self.expires_at

    @property
    def ends(self) -> datetime:
        """When it ends (aware, UTC); pages and emails show it in clinic time."""
        return clock.from_epoch_seconds(self.expires_at)


@dataclass(frozen=True)
class EmergencyRequest:
    """Who the doctor is looking for, exactly, and why: the name, the date
    of birth and a third identifier (the last 4 digits of the phone number
    on file, or the postcode), which picks the patient out of several with
    the same name and date of birth."""

    given_name: str
    family_name: str
    date_of_birth: str  # ISO
    identifier: str
    reason: str


def _postcode(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def identifier_matches(patient: Patient, identifier: str) -> bool:
    """Whether `identifier` (4 digits: the phone's last four; anything else:
    the postcode, spaces and case aside) is the patient's on file."""
    wanted = _postcode(identifier)
    if not wanted:
        return False
    phone_digits = re.sub(r"[^0-9]", "", patient.phone)
    if re.fullmatch(r"[0-9]{4}", wanted) and len(phone_digits) >= 4 and phone_digits[-4:] == wanted:
        return True
    return bool(patient.postal_code) and _postcode(patient.postal_code) == wanted


def lookup_text(wanted: EmergencyRequest) -> str:
    """What a lookup tried, normalised (for its hash in the audit trail:
    the same try hashes alike, and the trail holds no name)."""
    return "|".join(
        (
            wanted.given_name.strip().casefold(),
            wanted.family_name.strip().casefold(),
            wanted.date_of_birth,
            _postcode(wanted.identifier),
        )
    )


@dataclass(frozen=True)
class GrantReview:
    """A grant as the admins' review lists it."""

    grant: EmergencyGrant
    patient_name: str


@dataclass(frozen=True)
class LookupMiss:
    """A lookup that found no single patient (or was over the limit), as the
    admins' review lists it: who, when, why refused, and the hash of what
    they tried (the same try twice shows the same hash)."""

    when: str  # clock.stamp
    provider_id: str
    provider_name: str
    reason: str
    tried: str


@dataclass(frozen=True)
class EmergencyReviewPage:
    overdue: list[GrantReview]  # unreviewed and older than REVIEW_OVERDUE_HOURS, oldest first
    grants: list[GrantReview]  # every grant, newest first
    next_page: str | None
    misses: list[LookupMiss]  # newest first


class NoSinglePatient(DomainError):
    """No patient, or more than one, has exactly that name, date of birth
    and third identifier."""


class EmergencyRateLimited(DomainError):
    """The doctor has made as many emergency lookups (or grants) as the
    hour allows; nothing was looked up."""

    def __init__(self, retry_after_seconds: int, *, audited: bool = True):
        super().__init__(retry_after_seconds, audited=audited)
        self.retry_after_seconds = retry_after_seconds


class GrantNotFound(NotFound):
    """No grant with that patient, doctor and time."""


class GrantAlreadyReviewed(DomainError):
    """Another admin recorded a review of this grant first."""


class ReviewForbidden(Forbidden):
    """Only admins review emergency access."""


class ChartReadOnly(Forbidden):
    """Emergency access reads a chart; writing to it needs a second reason."""


class GrantStillLive(DomainError):
    """The doctor already holds a live grant for this patient: refused by the
    grant's own write."""

    def __init__(self, patient_id: str):
        super().__init__(patient_id)
        self.patient_id = patient_id
