"""Reads of patient records.

`patient_get`, `patient_get_by_email` and `patient_read` are for other
rooms and apps, which use patients only through these. They are not
audited themselves: each is for a service that audits its own action on
the patient (a booking emailing its confirmation, a chart check).

`patient_profile_get` shows a patient their own record (their home is
patients.home): the read is audited before it is returned, and if the audit write
fails, the record is not served."""

from __future__ import annotations

from audit.domain import ALLOWED
from audit.services import audit_record, chain_head_read
from medisecure import dynamo
from medisecure.identity.actors import Actor, AuditContext
from patients import repository
from patients.domain import Patient, own_patient_id


def patient_get(*, patient_id: str) -> Patient | None:
    return repository.get(patient_id)


def patient_get_by_email(*, email: str) -> Patient | None:
    return repository.get_by_email(email)


def patient_read(*, patient_id: str) -> dynamo.ItemRead[Patient | None]:
    """The patient, to read in one round trip with other items
    (medisecure.dynamo.read_together)."""
    return repository.patient_read(patient_id)


def patient_profile_get(*, actor: Actor, audit: AuditContext) -> Patient | None:
    """The signed-in patient's own profile, in two round trips: the record
    read together with the audit chain's head, then the audit event."""
    patient_id = own_patient_id(actor)
    patient, head = dynamo.read_together(
        repository.patient_read(patient_id), chain_head_read(), consistent=True
    )
    audit_record(
        actor=actor,
        audit=audit,
        action="patient.profile.read",
        outcome=ALLOWED,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
        head=head,
    )
    return patient


def patient_list_by_name_and_birth(*, given_name: str, family_name: str, date_of_birth: str) -> list[Patient]:
    """Patients with exactly this name and date of birth (rarely more than
    one), for emergency access, which audits its own search."""
    return repository.find_by_name_and_birth(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
