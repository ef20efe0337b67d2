"""Patients, who may see them, and self-signup. Plain data and rules only."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

# The languages the clinic's front desk can arrange help in, by BCP 47 tag.
LANGUAGES = (
    ("en", "English"),
    ("es", "Spanish"),
    ("zh", "Chinese"),
    ("ht", "Haitian Creole"),
    ("fr", "French"),
    ("ru", "Russian"),
    ("ar", "Arabic"),
    ("bn", "Bengali"),
    ("ko", "Korean"),
    ("vi", "Vietnamese"),
    ("tl", "Tagalog"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("it", "Italian"),
    ("yi", "Yiddish"),
    ("hi", "Hindi"),
    ("ur", "Urdu"),
    ("ase", "American Sign Language"),
)
LANGUAGE_NAMES = dict(LANGUAGES)


@dataclass(frozen=True)
class Patient:
    patient_id: str  # the patient's Cognito sub
    email: str
    given_name: str
    family_name: str
    date_of_birth: str  # ISO date
    phone: str = ""  # E.164
    created_at: str = ""
    version: int = 1
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    emergency_contact_name: str = ""
    emergency_contact_relationship: str = ""
    emergency_contact_phone: str = ""  # E.164
    preferred_language: str = ""  # a LANGUAGES tag
    allergies_summary: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def birth_date(self) -> date | None:
        return date.fromisoformat(self.date_of_birth) if self.date_of_birth else None

    @property
    def sort_name(self) -> str:
        """Orders a doctor's patient list by family name, then given name."""
        return f"{self.family_name.casefold()}#{self.given_name.casefold()}#{self.patient_id}"

    @property
    def preferred_language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.preferred_language, "")


# What a patient may change about themselves from their profile. Their email
# is their sign-in name and is changed with the clinic, not here.
PROFILE_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "preferred_language",
    "allergies_summary",
)


@dataclass(frozen=True)
class ProfileChange:
    """A patient's edit of their own profile: the new values and the version
    they were editing (optimistic locking)."""

    values: dict
    expected_version: int


def changed_fields(current: Patient, values: dict) -> list[str]:
    """Names of the profile fields whose value `values` changes, in form order."""
    return [name for name in PROFILE_FIELDS if name in values and values[name] != getattr(current, name)]


def with_profile(current: Patient, values: dict) -> Patient:
    """`current` with its profile fields set from `values`, one version on."""
    updates = {name: values[name] for name in PROFILE_FIELDS if name in values}
    return replace(current, **updates, version=current.version + 1)


def renames(current: Patient, values: dict) -> bool:
    """Whether saving `values` changes the name the care team sees."""
    return any(name in changed_fields(current, values) for name in ("given_name", "family_name"))


class ConcurrentUpdate(Exception):
    """The record changed after the person opened it; nothing was saved."""


@dataclass(frozen=True)
class CareTeamMember:
    """A doctor's standing relationship with a patient: what lets them open
    the chart."""

    patient_id: str
    provider_id: str
    patient_name: str
    since: str
    reason: str


# --- Self-signup ------------------------------------------------------------

PENDING = "pending"  # waiting for the emailed code
VERIFYING = "verifying"  # the code was right; the account is being made
VERIFIED = "verified"  # the account and patient record exist


@dataclass(frozen=True)
class SignupDetails:
    """What a person gives to sign up. The password never leaves the request
    except sealed (see patients.otp)."""

    email: str
    given_name: str
    family_name: str
    date_of_birth: str
    phone: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Signup:
    """One sign-up in progress: a patient-provisional row.

    A sign-up for an email that already has an account holds no personal
    details, no password and a code digest that no 6-digit code matches, so
    it behaves exactly like any other sign-up from the outside and can never
    make a second account."""

    email: str
    created_at: str  # ISO UTC timestamp; with email, the row's key
    signup_id: str
    status: str
    for_existing_account: bool
    code_digest: str
    code_expires_at: int  # epoch seconds
    attempts: int
    expires_at: int  # epoch seconds: the sign-up itself can no longer be finished
    given_name: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    phone: str = ""
    sealed_password: str = field(default="", repr=False)
    patient_id: str = ""
    verified_at: str = ""

    def is_open(self, now: int) -> bool:
        return self.status in (PENDING, VERIFYING) and now < self.expires_at

    def code_expired(self, now: int) -> bool:
        return now >= self.code_expires_at

    def attempts_left(self, max_attempts: int) -> int:
        return max(0, max_attempts - self.attempts)


@dataclass(frozen=True)
class SendLedger:
    """When codes were last emailed to one address, for the resend rules:
    not again within `interval` seconds of the last send, and at most
    `per_hour` sends in any hour."""

    email: str
    sent_at: tuple[int, ...] = ()  # epoch seconds, oldest first, the last hour only
    version: int = 0  # 0: never written

    def next_send_at(self, now: int, *, interval: int, per_hour: int) -> int | None:
        """When the next send is allowed, or None if it is allowed now."""
        recent = self._last_hour(now)
        waits = []
        if recent and now < recent[-1] + interval:
            waits.append(recent[-1] + interval)
        if len(recent) >= per_hour:
            waits.append(recent[-per_hour] + 3600)
        return max(waits) if waits else None

    def with_send(self, now: int) -> SendLedger:
        return replace(self, sent_at=(*self._last_hour(now), now), version=self.version + 1)

    def without_send(self, sent: int) -> SendLedger:
        """This ledger with one send taken back (the mail was never accepted)."""
        kept = list(self.sent_at)
        if sent in kept:
            kept.reverse()
            kept.remove(sent)
            kept.reverse()
        return replace(self, sent_at=tuple(kept), version=self.version + 1)

    def _last_hour(self, now: int) -> tuple[int, ...]:
        return tuple(moment for moment in self.sent_at if moment > now - 3600)
