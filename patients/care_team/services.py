"""Care-team writes: a booking links the doctor to the patient in the
booking's own transaction (for other apps); the clinic's admins add and
remove doctors, each change with its audit event in one transaction."""

from __future__ import annotations

from audit.services import audit_event_add
from clinicians import selectors as clinicians
from clinicians.domain import Provider
from medisecure import clock
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction
from patients import repository as patients  # not its selectors: they read care teams from here
from patients.care_team import repository
from patients.care_team.domain import (
    ID_LIMIT,
    AlreadyInCareTeam,
    CareTeamPatientNotFound,
    DoctorNotFound,
    NotInCareTeam,
)
from patients.care_team.selectors import care_team_admin_check
from patients.domain import Patient

__all__ = [
    "AlreadyInCareTeam",
    "NotInCareTeam",
    "care_team_link_add",
    "care_team_links_rename",
    "care_team_member_add",
    "care_team_member_remove",
]

ADDED_BY_ADMIN = "Added by the clinic"


def care_team_link_add(
    *, tx: Transaction, patient: Patient, provider_id: str, since: str, reason: str
) -> None:
    """Add the link of `provider_id` to `patient`'s care team to `tx`. The
    link is written only where none is there yet: an existing one keeps its
    date and reason, and the commit raises AlreadyInCareTeam (the caller
    commits again without the link)."""
    repository.link_add(tx, patient=patient, provider_id=provider_id, since=since, reason=reason)


def care_team_member_add(
    *, actor: Actor, audit: AuditContext, patient_id: str, doctor_email: str
) -> Provider:
    """An admin adds the doctor with this email to the patient's care team.
    Raises CareTeamPatientNotFound, DoctorNotFound, or AlreadyInCareTeam."""
    care_team_admin_check(actor=actor)
    patient = patients.get(patient_id) if len(patient_id) <= ID_LIMIT else None
    if patient is None:
        raise CareTeamPatientNotFound
    doctor = clinicians.provider_get_by_email(email=doctor_email) if doctor_email else None
    if doctor is None:
        raise DoctorNotFound
    tx = Transaction()
    repository.link_add(
        tx, patient=patient, provider_id=doctor.provider_id, since=clock.stamp(), reason=ADDED_BY_ADMIN
    )
    _audit_change(tx, actor, audit, "careteam.add", patient_id, doctor.provider_id)
    tx.commit()
    return doctor


def care_team_member_remove(*, actor: Actor, audit: AuditContext, patient_id: str, provider_id: str) -> None:
    """An admin removes a doctor from the patient's care team. Raises
    NotInCareTeam if the doctor was not linked (or the ids name no one)."""
    care_team_admin_check(actor=actor)
    if len(patient_id) > ID_LIMIT or len(provider_id) > ID_LIMIT:
        raise NotInCareTeam
    tx = Transaction()
    repository.link_remove(tx, patient_id=patient_id, provider_id=provider_id)
    _audit_change(tx, actor, audit, "careteam.remove", patient_id, provider_id)
    tx.commit()


def _audit_change(
    tx: Transaction, actor: Actor, audit: AuditContext, action: str, patient_id: str, provider_id: str
) -> None:
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=action,
        resource_type="care_team",
        resource_id=provider_id,
        patient_id=patient_id,
        detail={"provider_id": provider_id},
    )


def care_team_links_rename(*, tx: Transaction, patient: Patient) -> None:
    """Add to `tx` the patient's new name on each of their care-team links
    (doctors' lists show it from there; one Query reads them). Each link is
    replaced only if unchanged since read: the commit raises ConcurrentUpdate
    if one moved meanwhile."""
    for entry in repository.links_rename_entries(patient):
        tx.add(entry, refused=ConcurrentUpdate)
