"""A doctor's changes to their own appointments, made from the schedule:
cancel one (with a reason, which the patient is emailed), or mark it
completed or missed. Another doctor's appointment answers as if it did not
exist (appointments.selectors.appointment_get_for, which audits the attempt)."""

from __future__ import annotations

from appointments import emails, repository
from appointments.domain import CANCELLED, Changed
from appointments.schedules.domain import DOCTOR_ACTIONS, StatusChangeRefused
from appointments.selectors import appointment_get_for
from appointments.waitlist.services import freed_time_offer
from audit.services import audit_event_add
from medisecure import clock
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction
from patients.selectors import patient_get


def appointment_doctor_update(
    *, actor: Actor, audit: AuditContext, appointment_id: str, status: str, reason: str = ""
) -> Changed:
    """The actor (a doctor) cancels their appointment (with a reason, which
    the patient is emailed) or marks it completed or missed: the status
    change, the release of a cancelled appointment's locks and the audit
    event in one transaction. Raises AppointmentNotFound, StatusChangeRefused
    or ConcurrentUpdate."""
    action = DOCTOR_ACTIONS.get(status)
    if action is None:
        raise StatusChangeRefused
    appointment, head = appointment_get_for(
        actor=actor, audit=audit, appointment_id=appointment_id, action=action
    )
    if appointment.status == status:
        return Changed(appointment, emailed=False, already_done=True)
    if not appointment.doctor_may_set(status, now=clock.now()):
        raise StatusChangeRefused
    cancelling = status == CANCELLED
    changed = appointment.with_status(
        status,
        at=clock.stamp(),
        by=actor.user_id if cancelling else "",
        reason=reason if cancelling else "",
    )
    tx = Transaction()
    repository.status_change_add(tx, appointment, changed)
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=action,
        resource_type="appointment",
        resource_id=appointment.appointment_id,
        patient_id=appointment.patient_id,
        detail={"by": "provider"},
        head=head,
    )
    tx.commit()
    if not cancelling:
        return Changed(changed, emailed=False)
    freed_time_offer(
        provider_id=appointment.provider_id,
        visit_type_id=appointment.visit_type_id,
        start=appointment.start,
        end=appointment.end,
    )
    patient = patient_get(patient_id=appointment.patient_id)
    emailed = patient is not None and emails.send(
        emails.cancellation(
            to=patient.email,
            first_name=patient.given_name,
            appointment=changed,
            language=patient.preferred_language,
        )
    )
    return Changed(changed, emailed=emailed)
