"""The patient's home page, read in four round trips whatever they have:
the patient with their unread-message counter and the audit chain's head
(one BatchGetItem), their next appointments (one Query), the results they
have not opened (one Query), and the audit event. A patient reads only
their own: the id is always the actor's."""

from __future__ import annotations

from appointments import selectors as appointments
from audit.domain import ALLOWED
from audit.services import audit_record, chain_head_read
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext
from patients import selectors as patients
from patients.domain import own_patient_id
from patients.home.domain import PatientHome, tasks_for
from patients.messages import selectors as messages
from patients.records import selectors as records

NEXT_APPOINTMENTS = 3
NEW_RESULTS = 5


def patient_home_get(*, actor: Actor, audit: AuditContext) -> PatientHome:
    """What is next and what is new for the signed-in patient. Raises
    NotAPatient for anyone else."""
    patient_id = own_patient_id(actor)
    patient, unread, head = dynamo.read_together(
        patients.patient_read(patient_id=patient_id),
        messages.unread_count_read(user_id=patient_id),
        chain_head_read(),
        consistent=True,
    )
    upcoming, results = [], []
    if patient is not None:
        since = clock.now().replace(second=0, microsecond=0)
        upcoming = appointments.appointments_upcoming_for_patient(patient_id=patient_id, since=since)
        upcoming = upcoming[:NEXT_APPOINTMENTS]
        results = records.results_unseen_list(patient_id=patient_id, limit=NEW_RESULTS)
    audit_record(
        actor=actor,
        audit=audit,
        action="patient.home.read",
        outcome=ALLOWED,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
        head=head,
        detail={
            "appointment_ids": [appointment.appointment_id for appointment in upcoming],
            "entry_ids": [result.entry_id for result in results],
        },
    )
    return PatientHome(
        patient=patient,
        appointments=upcoming,
        unread_messages=unread if patient is not None else 0,
        new_results=results,
        tasks=tasks_for(patient, upcoming) if patient is not None else [],
    )
