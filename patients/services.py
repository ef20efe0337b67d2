"""Patient use cases. Every read of a patient's record is audited before it
is returned; if the audit write fails, the record is not served. Every change
is written in one transaction with its audit event.

A patient acts only on their own record: the id always comes from the
signed-in user, never from the request's parameters or form fields."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from audit.domain import ALLOWED, DENIED
from audit.services import audit_record, next_chain
from clinicians import repository as providers
from clinicians.domain import Provider
from medisecure import dynamo
from patients import repository
from patients.domain import ConcurrentUpdate, Patient, changed_fields, renames, with_profile


class PatientNotFound(Exception):
    """The signed-in patient has no patient record yet."""


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


def _audit_profile(request, patient_id: str, action: str, **kwargs):
    return audit_record(
        request=request,
        action=action,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
        **kwargs,
    )


def patient_profile_view(*, request) -> Patient | None:
    """The signed-in patient's own profile, in two DynamoDB round trips: the
    record read together with the audit chain's head, then the audit event."""
    patient_id = request.user.username
    patient, head = repository.get_with_audit_head(patient_id, chain_id=next_chain())
    _audit_profile(request, patient_id, "patient.profile.read", outcome=ALLOWED, head=head)
    return patient


def patient_profile_update(*, request, values: dict, expected_version: int) -> list[str]:
    """Save the signed-in patient's edit of their profile; the names of the
    fields it changed (the audit event lists these names, never the values).
    Raises ConcurrentUpdate if the record moved on since the form was
    opened, PatientNotFound if there is no record."""
    patient_id = request.user.username
    current, head = repository.get_with_audit_head(patient_id, chain_id=next_chain())
    if current is None:
        raise PatientNotFound
    if current.version != expected_version:
        _audit_profile(
            request, patient_id, "patient.profile.update", outcome=DENIED, detail={"reason": "stale"}, head=head
        )
        raise ConcurrentUpdate
    changed = changed_fields(current, values)
    if not changed:
        return []
    updated = with_profile(current, values)
    writes = [repository.profile_save_entry(updated, expected_version=expected_version)]
    if renames(current, values):
        writes += repository.care_team_rename_entries(updated)
    try:
        _audit_profile(
            request, patient_id, "patient.profile.update", outcome=ALLOWED,
            detail={"fields": changed}, with_writes=writes, head=head,
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            raise ConcurrentUpdate from error
        raise
    return changed
