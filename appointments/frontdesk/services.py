"""The front desk's marks on an appointment: the patient arrived, or did
not come. (Booking, moving and cancelling for a caller are
appointments.booking.services, which let the front desk act for the
patient it names; each audit event names both.)"""

from __future__ import annotations

from appointments import repository
from appointments.domain import Changed
from appointments.frontdesk.domain import DESK_ACTIONS, CheckInRefused
from appointments.selectors import appointment_get_for
from audit.services import audit_event_add
from medisecure import clock
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction


def appointment_check_in(*, actor: Actor, audit: AuditContext, appointment_id: str, status: str) -> Changed:
    """Mark the appointment arrived or missed (`status`): the change, only
    at the version read, with its audit event in one transaction. Marking it
    again changes nothing. Raises AppointmentNotFound, CheckInRefused or
    ConcurrentUpdate."""
    action = DESK_ACTIONS.get(status)
    if action is None:
        raise CheckInRefused
    appointment, head = appointment_get_for(
        actor=actor, audit=audit, appointment_id=appointment_id, action=action
    )
    if appointment.status == status:
        return Changed(appointment, emailed=False, already_done=True)
    if not appointment.frontdesk_may_set(status, now=clock.now()):
        raise CheckInRefused
    changed = appointment.with_status(status, at=clock.stamp())
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
        detail={"by": "frontdesk"},
        head=head,
    )
    tx.commit()
    return Changed(changed, emailed=False)
