"""Clinician applications: what an applicant sends, the review's state
machine, the checks on what they typed, and the room's refusals. Plain data
and rules only."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from medisecure import clock, file_types
from medisecure.errors import ConcurrentUpdate, DomainError, Forbidden, NotFound

PENDING = "pending"
NEEDS_INFORMATION = "needs_information"
# An admin has claimed the application for approval; the Cognito account and
# provider record are being made. An approval cut short stays here until an
# admin approves again, which finishes it.
APPROVING = "approving"
APPROVED = "approved"
REJECTED = "rejected"

STATUS_LABELS = {
    PENDING: "Pending",
    NEEDS_INFORMATION: "Needs information",
    APPROVING: "Approval unfinished",
    APPROVED: "Approved",
    REJECTED: "Rejected",
}

APPROVE = "approve"
REJECT = "reject"
REQUEST_INFORMATION = "request_information"
DECISION_LABELS = {
    APPROVE: "Approve",
    REJECT: "Reject",
    REQUEST_INFORMATION: "Ask for more information",
}
# The state machine: the statuses each decision may start from.
TRANSITIONS = {
    APPROVE: (PENDING, NEEDS_INFORMATION, APPROVING),
    REJECT: (PENDING, NEEDS_INFORMATION),
    REQUEST_INFORMATION: (PENDING, NEEDS_INFORMATION),
}
# Where each decision ends. Approval passes through APPROVING first.
OUTCOMES = {APPROVE: APPROVED, REJECT: REJECTED, REQUEST_INFORMATION: NEEDS_INFORMATION}
# Decisions whose text goes to the applicant, so the admin must write it.
NOTE_REQUIRED = (REJECT, REQUEST_INFORMATION)

LICENCE_SCAN_MAX_BYTES = 5 * 1024 * 1024
LICENCE_SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}

# Crockford's base32: no I, L, O or U, so a reference read aloud is unambiguous.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE = re.compile(r"CA-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")
NPI_PREFIX = "80840"  # the card issuer prefix the NPI check digit is computed with


def new_application_id() -> str:
    """An application reference: 80 random bits, e.g. CA-7K3Q-M2ZP-9XRT-B3HD."""
    characters = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(16))
    return "CA-" + "-".join(characters[start : start + 4] for start in range(0, 16, 4))


def is_application_reference(value: str) -> bool:
    return bool(_REFERENCE.fullmatch(value))


def licence_scan_type(head: bytes) -> str | None:
    """The scan's content type from its first bytes, or None if it is none of
    the accepted types (whatever its file name says)."""
    return file_types.type_from_content(head)


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def npi_is_valid(number: str) -> bool:
    """A US National Provider Identifier: ten digits whose last is the Luhn
    check digit of the first nine prefixed with 80840."""
    return len(number) == 10 and number.isdigit() and luhn_is_valid(NPI_PREFIX + number)


@dataclass(frozen=True)
class LicenceFile:
    key: str  # the S3 key: random, says nothing about the applicant
    content_type: str
    size: int

    @property
    def extension(self) -> str:
        return LICENCE_SCAN_EXTENSIONS.get(self.content_type, "bin")


@dataclass(frozen=True)
class Application:
    application_id: str
    submitted_at: str  # clock.stamp(): sorts by time (the sort key of both indexes)
    status: str
    version: int
    given_name: str
    family_name: str
    email: str
    phone: str
    specialty: str
    licence_number: str
    licence_region: str
    licence_expiry: str  # ISO date
    npi: str
    years_of_practice: int
    statement: str
    scan: LicenceFile
    # The admin who last moved the application on, when, and what they wrote
    # to the applicant (a rejection's reason, or the information asked for).
    decided_by: str = ""
    decided_by_email: str = ""
    decided_at: str = ""
    decision_note: str = ""
    provider_id: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def submitted(self) -> datetime:
        return clock.from_stamp(self.submitted_at)

    @property
    def decided(self) -> datetime | None:
        return clock.from_stamp(self.decided_at) if self.decided_at else None

    @property
    def expiry_date(self) -> date:
        return date.fromisoformat(self.licence_expiry)

    def allows(self, decision: str) -> bool:
        return self.status in TRANSITIONS[decision]

    @property
    def open_decisions(self) -> tuple[str, ...]:
        return tuple(decision for decision in TRANSITIONS if self.allows(decision))


@dataclass(frozen=True)
class ApplicationDetails:
    """What an applicant tells the clinic, as the form cleaned it."""

    given_name: str
    family_name: str
    email: str
    phone: str
    specialty: str
    licence_number: str
    licence_region: str
    licence_expiry: date
    npi: str
    years_of_practice: int
    statement: str


@dataclass(frozen=True)
class Submission:
    application: Application
    emailed: bool  # whether the confirmation email went


@dataclass(frozen=True)
class Decided:
    application: Application
    emailed: bool  # whether the applicant's email went


@dataclass(frozen=True)
class ApplicationList:
    status: str
    search: str
    searched_by: str  # "", "email" or "name"
    applications: list[Application]
    next_page: str | None


@dataclass(frozen=True)
class DoctorAccount:
    """The approved applicant's Cognito user, as the invitation describes it."""

    sub: str
    temporary_password: str | None  # None: the person keeps the password they have
    created: bool


@dataclass(frozen=True)
class BulkOutcome:
    application_id: str
    decided: Decided | None = None
    refused: Exception | None = None


# --- Refusals --------------------------------------------------------------------


class ApplicationNotFound(NotFound):
    """No application has this reference (or it is not shaped like one)."""


class AdminsOnly(Forbidden):
    """Only admins review applications. The admin site checks this before any
    of its pages runs; the services check again, so no other caller skips it."""


class PendingApplicationExists(DomainError):
    """This email already has an application waiting for a decision."""


class AlreadyDecided(ConcurrentUpdate):
    """Someone moved the application on since the admin read it; carries it as it is now."""

    def __init__(self, application: Application):
        super().__init__(application.application_id)
        self.application = application


class ApprovalUnfinished(DomainError):
    """AWS failed part-way through an approval. Nothing is duplicated by
    approving again, which finishes it."""

    def __init__(self, application: Application):
        super().__init__(application.application_id)
        self.application = application


class AccountHasAnotherRole(DomainError):
    """The applicant's email already signs in to the portal with another role.
    One account holds one role (an account in two role groups could not sign
    in), so it is not made a doctor's."""

    def __init__(self, role: str):
        super().__init__(role)
        self.role = role


class NoEmailToResend(DomainError):
    """The application carries no decision whose email can be sent again (an
    approval's invitation is re-sent by approving again)."""


# What a decision may be refused with, reported on the page it returns to;
# among several (where one refused does not stop the others), also an
# application that no longer exists (for a single one, the 404 page).
DECISION_REFUSALS = (AlreadyDecided, ApprovalUnfinished, AccountHasAnotherRole)
BULK_REFUSALS = (ApplicationNotFound, *DECISION_REFUSALS)
