"""The personal details the tests' people carry, as the strings that must
never appear where PHI must not be (a refused page's body, a log line).
Built from the cast the suite seeds and from the patient records a test
leaves behind, so a new person or a new test is covered without a list to
keep up by hand."""

from __future__ import annotations

from datetime import date

from medisecure.identity.roles import Role
from patients.domain import Patient
from portal.seeding import DEMO_CAST, SeedPerson

# The cast's two people with no relationship to anyone (conftest.cast).
OTHER_PATIENT = SeedPerson("other.patient@medisecure.test", Role.PATIENT, "Riley", "Other", "1990-02-03")
OTHER_DOCTOR = SeedPerson(
    "other.doctor@medisecure.test", Role.DOCTOR, "Drew", "Elsewhere", specialty="Neurology"
)
CAST = (*DEMO_CAST, OTHER_PATIENT, OTHER_DOCTOR)

# Shorter strings match too much that is not personal ("Other", a year).
MIN_NAME_LENGTH = 5


def date_of_birth_forms(iso: str) -> set[str]:
    """An ISO date as the portal or a log might print it."""
    if not iso:
        return set()
    day = date.fromisoformat(iso)
    return {
        iso,
        day.strftime("%d/%m/%Y"),
        day.strftime("%m/%d/%Y"),
        f"{day.day} {day:%B %Y}",
        f"{day:%B} {day.day}, {day.year}",
        f"{day:%b}. {day.day}, {day.year}",
    }


def _name_forms(given: str, family: str) -> set[str]:
    names = {f"{given} {family}", f"{family}, {given}"}
    names |= {name for name in (given, family) if len(name) >= MIN_NAME_LENGTH}
    return names


def person_markers(person: SeedPerson) -> set[str]:
    """A patient's name, email and date of birth; anyone else's email (a
    clinician's name is public in the directory, their address is not)."""
    if person.role is not Role.PATIENT:
        return {person.email}
    return (
        {person.email}
        | _name_forms(person.given_name, person.family_name)
        | date_of_birth_forms(person.date_of_birth)
    )


def patient_markers(patient: Patient) -> set[str]:
    markers = {patient.email} | _name_forms(patient.given_name, patient.family_name)
    markers |= date_of_birth_forms(patient.date_of_birth)
    return {marker for marker in markers if marker}


def record_markers(values: dict) -> set[str]:
    """A stored record's personal details, by the attribute names the
    patients, sign-up and application tables share."""
    given, family = values.get("givenName", ""), values.get("familyName", "")
    markers = {values.get("email", "")} | date_of_birth_forms(values.get("dateOfBirth", ""))
    if given and family:
        markers |= _name_forms(given, family)
    return {marker for marker in markers if marker}


def cast_markers() -> set[str]:
    return set().union(*(person_markers(person) for person in CAST))


def cast_patient_markers() -> set[str]:
    return set().union(*(person_markers(person) for person in CAST if person.role is Role.PATIENT))
