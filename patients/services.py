"""Patient use cases. Every read of a patient's record is audited before it
is returned; if the audit write fails, the record is not served."""

from __future__ import annotations

from dataclasses import dataclass

from audit.domain import ALLOWED
from audit.services import audit_record
from clinicians import repository as providers
from clinicians.domain import Provider
from patients import repository
from patients.domain import Patient


@dataclass(frozen=True)
class PatientHome:
    patient: Patient | None
    care_team: list[Provider]


def patient_home_view(*, request) -> PatientHome:
    """The signed-in patient's own summary and the doctors caring for them."""
    patient_id = request.user.username
    patient = repository.get(patient_id)
    team = repository.care_team_of_patient(patient_id) if patient else []
    doctors = providers.get_many([member.provider_id for member in team])
    audit_record(
        request=request,
        action="patient.home.read",
        outcome=ALLOWED,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
    )
    ordered = sorted(doctors.values(), key=lambda provider: provider.sort_name)
    return PatientHome(patient=patient, care_team=ordered)
