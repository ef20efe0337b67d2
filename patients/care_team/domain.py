"""Care teams: which doctors stand in a relationship with a patient, and so
may open their chart. Plain data and rules only."""

from __future__ import annotations

from dataclasses import dataclass

from clinicians.domain import Provider
from medisecure.errors import Forbidden, NotFound
from patients.domain import AlreadyInCareTeam, Patient

__all__ = [
    "AlreadyInCareTeam",
    "CareTeam",
    "CareTeamForAdminsOnly",
    "CareTeamMember",
    "CareTeamPatientNotFound",
    "DoctorNotFound",
    "NotInCareTeam",
]

# Patient ids are Cognito subs; anything far longer names no one.
ID_LIMIT = 128


@dataclass(frozen=True)
class CareTeamMember:
    """A doctor's standing relationship with a patient: what lets them open
    the chart."""

    patient_id: str
    provider_id: str
    patient_name: str
    since: str
    reason: str


@dataclass(frozen=True)
class CareTeam:
    """A patient's care team as the admin's page shows it: each link with the
    doctor's record (None for a doctor no longer on file)."""

    patient: Patient
    members: list[tuple[CareTeamMember, Provider | None]]


class NotInCareTeam(NotFound):
    """The doctor is not in the patient's care team (or the ids name no one)."""


class CareTeamPatientNotFound(NotFound):
    """No patient has that email address or id."""


class DoctorNotFound(NotFound):
    """No doctor has that email address."""


class CareTeamForAdminsOnly(Forbidden):
    """Only the clinic's admins change care teams (the admin site lets only
    them in; the services check again)."""
