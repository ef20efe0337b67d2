"""Doctor use cases and the public provider directory."""

from __future__ import annotations

from dataclasses import dataclass

from audit.domain import ALLOWED
from audit.services import audit_record
from clinicians import repository
from clinicians.domain import SPECIALTIES, Provider
from patients import repository as patients
from patients.domain import CareTeamMember


@dataclass(frozen=True)
class DoctorHome:
    provider: Provider | None
    patients: list[CareTeamMember]
    next_page: str | None


def doctor_home_view(*, request, page_token: str | None) -> DoctorHome:
    """The signed-in doctor's profile and one page of the patients in their
    care. Raises medisecure.dynamo.InvalidPageToken for a forged token."""
    provider_id = request.user.username
    provider = repository.get(provider_id)
    members, next_page = patients.patients_of_provider(provider_id, page_token=page_token)
    audit_record(
        request=request,
        action="careteam.list",
        outcome=ALLOWED,
        resource_type="provider",
        resource_id=provider_id,
        # Which patients appeared on the page: identifiers, never names.
        detail={"patient_ids": [member.patient_id for member in members]},
    )
    return DoctorHome(provider=provider, patients=members, next_page=next_page)


@dataclass(frozen=True)
class Directory:
    specialty: str
    providers: list[Provider]
    next_page: str | None


def directory_view(*, specialty: str, page_token: str | None) -> Directory:
    """Doctors in one specialty: public information, no PHI."""
    if specialty not in SPECIALTIES:
        return Directory(specialty="", providers=[], next_page=None)
    providers, next_page = repository.list_by_specialty(specialty, page_token=page_token)
    return Directory(specialty=specialty, providers=providers, next_page=next_page)
