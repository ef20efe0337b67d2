"""Reads of appointments every room shares: the one access rule (whose
appointment an actor may act on), and the reads other apps' rooms use,
which use appointments only through these."""

from __future__ import annotations

from datetime import datetime

from appointments import repository
from appointments.domain import Appointment, AppointmentNotFound
from audit.domain import DENIED, ChainHead
from audit.services import audit_record, chain_head_read
from medisecure import dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role

UPCOMING_READ = 10


def _relates(actor: Actor, appointment: Appointment) -> bool:
    """A patient acts on their own appointments, a doctor on the ones with
    them, the front desk on any; no one else on any through these pages."""
    if actor.has_role(Role.PATIENT):
        return appointment.patient_id == actor.user_id
    if actor.has_role(Role.DOCTOR):
        return appointment.provider_id == actor.user_id
    # The front desk books, moves, cancels and checks in every doctor's visits.
    return actor.has_role(Role.FRONTDESK)


def appointment_get_for(
    *, actor: Actor, audit: AuditContext, appointment_id: str, action: str
) -> tuple[Appointment, ChainHead]:
    """The appointment, if it is the actor's to `action` (see _relates), with
    the head of the audit chain the action's event will join: one consistent
    round trip. Otherwise AppointmentNotFound, whether it is missing or
    someone else's (the same answer), after auditing the refusal."""
    appointment, head = dynamo.read_together(
        repository.appointment_read(appointment_id), chain_head_read(), consistent=True
    )
    if appointment is None or not _relates(actor, appointment):
        audit_record(
            actor=actor,
            audit=audit,
            action=action,
            outcome=DENIED,
            resource_type="appointment",
            resource_id=appointment_id,
            # Another's appointment names its patient, so the attempt shows on
            # that patient's access page; a missing one names no one.
            patient_id=appointment.patient_id if appointment is not None else "",
            detail={"reason": "not_found"},
            head=head,
        )
        raise AppointmentNotFound(audited=True)
    return appointment, head


def appointment_read(*, appointment_id: str) -> dynamo.ItemRead[Appointment | None]:
    """The appointment, to read in one round trip with other items
    (medisecure.dynamo.read_together), for a page that decides who may see
    it by its own rule and audits its read itself (a visit's summary)."""
    return repository.appointment_read(appointment_id)


def appointments_upcoming_for_patient(
    *, patient_id: str, since: datetime, limit: int = UPCOMING_READ
) -> list[Appointment]:
    """The patient's booked appointments from `since`, soonest first: one
    Query of PatientAppointmentsIndex (of `limit` items, booked or not). Not
    audited itself: it is for a page whose own read (a chart, a home page)
    is audited by its service."""
    return repository.booked_by_patient(patient_id, since=since, limit=limit)
