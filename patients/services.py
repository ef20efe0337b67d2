"""Changes to a patient's own record. Every change is written in one
transaction with its audit event.

A patient acts only on their own record: the id always comes from the
actor (own_patient_id), never from the request's parameters or form fields."""

from __future__ import annotations

from dataclasses import replace

from audit.domain import DENIED
from audit.services import audit_event_add, audit_record, chain_head_read
from medisecure import dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction
from patients import repository
from patients.care_team import services as care_team
from patients.domain import Patient, PatientNotFound, changed_fields, own_patient_id, renames, with_profile

PROFILE_UPDATE = "patient.profile.update"


def patient_add(*, tx: Transaction, patient: Patient) -> None:
    """Add a new patient's record to `tx` (self-signup's account, made in
    the sign-up's own transaction); the commit raises PatientExists if the
    patient has one already."""
    repository.patient_add(tx, patient)


def patient_signup_replace(*, tx: Transaction, patient: Patient, expected_version: int) -> None:
    """Replace the record a self-signup left unfinished (no one could ever
    sign into it) with a later sign-up's details for the same account; the
    commit raises ConcurrentUpdate if it moved since it was read."""
    repository.patient_profile_save(tx, patient, expected_version=expected_version)


def patient_profile_update(
    *, actor: Actor, audit: AuditContext, values: dict, expected_version: int
) -> list[str]:
    """Save the signed-in patient's edit of their profile; the names of the
    fields it changed (the audit event lists these names, never the values).
    Raises ConcurrentUpdate if the record moved on since the form was
    opened, PatientNotFound if there is no record. Two round trips: the
    record read together with the audit chain's head, then the change with
    its event."""
    patient_id = own_patient_id(actor)
    current, head = dynamo.read_together(
        repository.patient_read(patient_id), chain_head_read(), consistent=True
    )
    if current is None:
        raise PatientNotFound
    if current.version != expected_version:
        audit_record(
            actor=actor,
            audit=audit,
            action=PROFILE_UPDATE,
            outcome=DENIED,
            resource_type="patient",
            resource_id=patient_id,
            patient_id=patient_id,
            detail={"reason": "stale"},
            head=head,
        )
        raise ConcurrentUpdate
    changed = changed_fields(current, values)
    if not changed:
        return []
    updated = with_profile(current, values)
    tx = Transaction()
    repository.patient_profile_save(tx, updated, expected_version=expected_version)
    if renames(current, values):
        care_team.care_team_links_rename(tx=tx, patient=updated)
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=PROFILE_UPDATE,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
        detail={"fields": changed},
        head=head,
    )
    tx.commit()
    return changed


def patient_email_set(*, tx: Transaction, patient_id: str, email: str) -> bool:
    """Add to `tx` the patient's new, verified email on their record (their
    care team reads it there); False when they have no record. Replaced only
    if the record is still at the version read (else the commit raises
    ConcurrentUpdate)."""
    (current,) = dynamo.read_together(repository.patient_read(patient_id), consistent=True)
    if current is None:
        return False
    if current.email == email:
        return True
    updated = replace(current, email=email, version=current.version + 1)
    repository.patient_profile_save(tx, updated, expected_version=current.version)
    return True
