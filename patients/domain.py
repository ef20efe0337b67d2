"""Patients. Plain data and rules only."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from medisecure.errors import DomainError, Forbidden, NotFound
from medisecure.identity.roles import Role

if TYPE_CHECKING:
    from medisecure.identity.actors import Actor

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


def name_birth_key(given_name: str, family_name: str, date_of_birth: str) -> str:
    """How the NameBirthIndex finds a patient: the exact name (letter case
    and surrounding spaces aside) and date of birth."""
    return f"{family_name.strip().casefold()}#{given_name.strip().casefold()}#{date_of_birth}"


# What a patient may change about themselves from their profile. Their email
# is changed through the sign-in service, with a code (accounts.email_change).
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


class PatientExists(DomainError):
    """A patient record with this id is there already."""


class PatientNotFound(NotFound):
    """The signed-in patient has no patient record yet."""


class NotAPatient(Forbidden):
    """Only a patient has a record of their own to read or change here."""


def own_patient_id(actor: Actor) -> str:
    """The record a patient acts on: always their own, named by who they
    are, never by the request's parameters or form fields."""
    if not actor.has_role(Role.PATIENT):
        raise NotAPatient
    return actor.user_id


class AlreadyInCareTeam(Exception):
    """The doctor is in the patient's care team already."""

    def __init__(self, patient_id: str = ""):
        super().__init__(patient_id)
        self.patient_id = patient_id
