"""The clinic's admins managing who is in a patient's care team (and so may
open their chart). Every change is written with its audit event in one
transaction. The admin site lets only admins in; these check again."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError
from django.core.exceptions import PermissionDenied

from audit.domain import ALLOWED
from audit.services import actor_of, audit_record
from clinicians import repository as providers
from clinicians.domain import Provider
from medisecure import clock, dynamo
from medisecure.identity.roles import Role
from patients import repository as patients
from patients.domain import CareTeamMember, Patient


class NoSuchPatient(Exception):
    pass


class NoSuchDoctor(Exception):
    pass


class AlreadyInCareTeam(Exception):
    pass


class NotInCareTeam(Exception):
    pass


@dataclass(frozen=True)
class CareTeam:
    patient: Patient
    members: list[tuple[CareTeamMember, Provider | None]]


def _admin_only(request) -> None:
    if actor_of(request).role != Role.ADMIN.value:
        raise PermissionDenied


# Patient ids are Cognito subs; anything far longer names no one.
PATIENT_ID_LIMIT = 128


def _patient(patient_id: str) -> Patient:
    patient = patients.get(patient_id) if len(patient_id) <= PATIENT_ID_LIMIT else None
    if patient is None:
        raise NoSuchPatient
    return patient


def care_team_view(*, request, patient_email: str = "", patient_id: str = "") -> CareTeam:
    """A patient's care team, found by their email or id."""
    _admin_only(request)
    patient = patients.get_by_email(patient_email) if patient_email else _patient(patient_id)
    if patient is None:
        raise NoSuchPatient
    members = patients.care_team_of_patient(patient.patient_id)
    doctors = providers.get_many([member.provider_id for member in members])
    audit_record(
        request=request, action="careteam.read", outcome=ALLOWED, resource_type="care_team",
        resource_id=patient.patient_id, patient_id=patient.patient_id,
    )
    return CareTeam(patient=patient, members=[(member, doctors.get(member.provider_id)) for member in members])


def care_team_member_add(*, request, patient_id: str, doctor_email: str) -> Provider:
    _admin_only(request)
    patient = _patient(patient_id)
    doctor = providers.get_by_email(doctor_email) if doctor_email else None
    if doctor is None:
        raise NoSuchDoctor
    entry = patients.care_team_add_entry(
        patient=patient, provider_id=doctor.provider_id, since=clock.now().isoformat(), reason="Added by the clinic",
    )
    _audited_change(request, "careteam.add", patient_id, doctor.provider_id, entry, AlreadyInCareTeam)
    return doctor


def care_team_member_remove(*, request, patient_id: str, provider_id: str) -> None:
    """NotInCareTeam if the doctor was not linked (or the ids name no one)."""
    _admin_only(request)
    if len(patient_id) > PATIENT_ID_LIMIT or len(provider_id) > PATIENT_ID_LIMIT:
        raise NotInCareTeam
    entry = patients.care_team_remove_entry(patient_id=patient_id, provider_id=provider_id)
    _audited_change(request, "careteam.remove", patient_id, provider_id, entry, NotInCareTeam)


def _audited_change(request, action: str, patient_id: str, provider_id: str, entry: dict, refused: type) -> None:
    try:
        audit_record(
            request=request, action=action, outcome=ALLOWED, resource_type="care_team", resource_id=provider_id,
            patient_id=patient_id, detail={"provider_id": provider_id}, with_writes=[entry],
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            raise refused from error
        raise
