"""A patient books, cancels, moves and has confirmed their own appointments.

No double booking is decided by DynamoDB: an appointment and its lock items
are written in one transaction with attribute_not_exists guards, with the
care-team link and the audit event, so a booking lands whole or not at all.
Whoever loses a race is told the time was just taken and offered the
nearest free slots.

A patient acts only on their own appointments: the actor always gives the
patient's id, and someone else's appointment answers as if it did not exist
(appointments.selectors.appointment_get_for, which audits the attempt)."""

from __future__ import annotations

from datetime import datetime

from appointments import emails, repository
from appointments.availability.selectors import (
    availability_get,
    availability_read,
    notice_recipient_get,
)
from appointments.booking.domain import Booked, ChangeTooLate, PatientRecordMissing, SlotTaken, visit_choice
from appointments.booking.selectors import nearest_free_slots
from appointments.choices.selectors import location_read, visit_type_read
from appointments.clinic import booking_horizon, clinic_zone, cutoff_for
from appointments.domain import (
    CANCELLED,
    CARE_TEAM_REASON,
    WRONG_PLACE,
    Appointment,
    AppointmentExists,
    Availability,
    Changed,
    DoctorNotFound,
    DoctorSlotTaken,
    PatientBusy,
    SlotRefused,
    new_appointment,
    slot_starting,
)
from appointments.selectors import appointment_get_for
from appointments.waitlist.services import freed_time_offer
from audit.domain import ALLOWED, ChainHead
from audit.services import audit_event_add, audit_record, chain_head_read
from clinicians.selectors import provider_read
from medisecure import clock, dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.unit_of_work import Transaction
from patients.care_team.selectors import care_team_link_read
from patients.care_team.services import AlreadyInCareTeam, care_team_link_add
from patients.domain import Patient
from patients.selectors import patient_get, patient_read


def _event_add(
    tx: Transaction,
    actor: Actor,
    audit: AuditContext,
    action: str,
    appointment: Appointment,
    *,
    head: ChainHead | None,
    detail: dict | None = None,
) -> None:
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=action,
        resource_type="appointment",
        resource_id=appointment.appointment_id,
        patient_id=appointment.patient_id,
        detail=detail,
        head=head,
    )


# --- Booking ------------------------------------------------------------------------


def appointment_book(
    *,
    actor: Actor,
    audit: AuditContext,
    provider_id: str,
    start: datetime,
    reason: str,
    appointment_id: str,
    visit_type_id: str = "",
    location_id: str = "",
    patient_id: str = "",
) -> Booked:
    """Book the slot starting at `start` with the doctor for the actor (a
    patient), for the visit type and at the location chosen (where the
    clinic has them), in one transaction with its locks, the care-team link
    and the audit event; then email the confirmation. Two round trips: one
    batched read (with the visit type and location), one transaction.
    Sending the same booking again (same `appointment_id`) books nothing
    new. Raises DoctorNotFound, PatientRecordMissing, SlotRefused or
    SlotTaken."""
    # A patient books for themselves; the front desk for the caller it names
    # (the audit event names both: the actor and the patient).
    patient_id = patient_id if actor.has_role(Role.FRONTDESK) else actor.user_id
    if not patient_id:
        raise PatientRecordMissing
    reads: list[dynamo.ItemRead] = [
        availability_read(provider_id=provider_id),
        provider_read(provider_id=provider_id),
        patient_read(patient_id=patient_id),
        care_team_link_read(patient_id=patient_id, provider_id=provider_id),
        chain_head_read(),
    ]
    if visit_type_id:
        reads.append(visit_type_read(visit_type_id=visit_type_id))
    if location_id:
        reads.append(location_read(location_id=location_id))
    found = dynamo.read_together(*reads, consistent=True)
    availability, provider, patient, existing_link, head = found[:5]
    visit_type = found[5] if visit_type_id else None
    location = found[-1] if location_id else None
    if provider is None:
        raise DoctorNotFound
    if patient is None:
        raise PatientRecordMissing
    slot = slot_starting(availability, start, clinic_zone(), now=clock.now(), horizon=booking_horizon())
    visit = visit_choice(
        slot,
        specialty=provider.specialty,
        visit_type=visit_type,
        location=location,
        visit_type_id=visit_type_id,
        location_id=location_id,
    )
    appointment = new_appointment(
        appointment_id=appointment_id,
        patient_id=patient_id,
        patient_name=patient.full_name,
        slot=slot,
        provider_name=provider.display_name,
        specialty=provider.specialty,
        reason=reason,
        at=clock.stamp(),
        visit=visit,
    )
    booked = _write_booking(
        actor,
        audit,
        appointment,
        patient,
        with_link=existing_link is None,
        head=head,
        availability=availability,
    )
    emailed = _send_confirmation(patient, booked)
    if availability.notify_by_email:
        emails.send(emails.doctor_notice(to=provider.email, appointment=booked, booked=True))
    return Booked(booked, emailed=emailed)


def _write_booking(
    actor: Actor,
    audit: AuditContext,
    appointment: Appointment,
    patient: Patient,
    *,
    with_link: bool,
    head: ChainHead | None,
    availability: Availability,
) -> Appointment:
    # The order of the writes is the order of the outcomes when several are
    # refused: the appointment's id first (the same booking sent again), then
    # the doctor's locks (the time is taken), then the patient's (the patient
    # is elsewhere then), and the care-team link last.
    tx = Transaction()
    repository.appointment_add(tx, appointment)
    repository.locks_take(tx, appointment, appointment.provider_locks)
    repository.locks_take(tx, appointment, appointment.patient_locks)
    if with_link:
        care_team_link_add(
            tx=tx,
            patient=patient,
            provider_id=appointment.provider_id,
            since=appointment.created_at,
            reason=CARE_TEAM_REASON,
        )
    _event_add(
        tx,
        actor,
        audit,
        "appointment.book",
        appointment,
        head=head,
        detail={"provider_id": appointment.provider_id, "start": clock.stamp(appointment.start)},
    )
    try:
        tx.commit()
    except AlreadyInCareTeam:
        # The doctor joined the patient's care team meanwhile (another
        # booking): the link is there, so book without it.
        return _write_booking(
            actor, audit, appointment, patient, with_link=False, head=None, availability=availability
        )
    except AppointmentExists:
        return _repeated_booking(appointment, availability)
    except (DoctorSlotTaken, PatientBusy) as refused:
        nearest = nearest_free_slots(availability=availability, wanted=appointment.start)
        raise SlotTaken(nearest=nearest, patient_busy=isinstance(refused, PatientBusy)) from refused
    return appointment


def _repeated_booking(appointment: Appointment, availability: Availability) -> Appointment:
    """The same booking sent again after it was made: the appointment that is
    there, if it is this patient's booking of this slot."""
    existing = repository.get(appointment.appointment_id)
    if (
        existing is None
        or existing.patient_id != appointment.patient_id
        or (existing.provider_id, existing.start) != (appointment.provider_id, appointment.start)
    ):
        raise SlotTaken(nearest=nearest_free_slots(availability=availability, wanted=appointment.start))
    return existing


def _send_confirmation(patient: Patient, appointment: Appointment) -> bool:
    return emails.send(
        emails.confirmation(
            to=patient.email,
            first_name=patient.given_name,
            appointment=appointment,
            language=patient.preferred_language,
        )
    )


# --- Changes to the patient's own appointments -------------------------------------------


def appointment_cancel(
    *, actor: Actor, audit: AuditContext, appointment_id: str, reason: str = ""
) -> Changed:
    """Cancel the actor's appointment, with their optional reason: the status
    change (and the calendar sequence one higher), the release of its locks
    and the audit event in one transaction; then the cancellation email with
    the calendar file that removes the event, and the doctor's notice if they
    asked for one. Cancelling it again changes nothing. Raises
    AppointmentNotFound, ChangeTooLate or ConcurrentUpdate."""
    appointment, head = appointment_get_for(
        actor=actor, audit=audit, appointment_id=appointment_id, action="appointment.cancel"
    )
    if appointment.status == CANCELLED:
        return Changed(appointment, emailed=False, already_done=True)
    if not appointment.can_change(now=clock.now(), cutoff=cutoff_for(actor)):
        raise ChangeTooLate
    cancelled = appointment.with_status(CANCELLED, at=clock.stamp(), by=actor.user_id, reason=reason)
    tx = Transaction()
    repository.status_change_add(tx, appointment, cancelled)
    _event_add(tx, actor, audit, "appointment.cancel", appointment, head=head)
    tx.commit()
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
            appointment=cancelled,
            language=patient.preferred_language,
        )
    )
    doctor = notice_recipient_get(provider_id=cancelled.provider_id)
    if doctor is not None:
        emails.send(emails.doctor_notice(to=doctor.email, appointment=cancelled, booked=False))
    return Changed(cancelled, emailed=emailed)


def appointment_reschedule(
    *, actor: Actor, audit: AuditContext, appointment_id: str, start: datetime, expected_version: int
) -> Changed:
    """Move the actor's appointment to the slot starting at `start`, in one
    transaction: the new time's locks taken, the old time's released, the
    appointment updated and the audit event; or nothing changes. Moving it
    again to the same time changes nothing. Raises AppointmentNotFound,
    ChangeTooLate, ConcurrentUpdate, SlotRefused or SlotTaken."""
    appointment, head = appointment_get_for(
        actor=actor, audit=audit, appointment_id=appointment_id, action="appointment.reschedule"
    )
    if appointment.is_booked and appointment.start == start:
        return Changed(appointment, emailed=False, already_done=True)
    if appointment.version != expected_version:
        raise ConcurrentUpdate
    if not appointment.can_change(now=clock.now(), cutoff=cutoff_for(actor)):
        raise ChangeTooLate
    availability = availability_get(provider_id=appointment.provider_id)
    slot = slot_starting(availability, start, clinic_zone(), now=clock.now(), horizon=booking_horizon())
    if appointment.location_id and slot.location_id != appointment.location_id:
        raise SlotRefused(WRONG_PLACE)
    moved = appointment.moved_to(slot, at=clock.stamp())
    tx = Transaction()
    repository.move_add(tx, appointment, moved)
    _event_add(
        tx,
        actor,
        audit,
        "appointment.reschedule",
        appointment,
        head=head,
        detail={"from": clock.stamp(appointment.start), "to": clock.stamp(moved.start)},
    )
    try:
        tx.commit()
    except (DoctorSlotTaken, PatientBusy) as refused:
        nearest = nearest_free_slots(availability=availability, wanted=start)
        raise SlotTaken(nearest=nearest, patient_busy=isinstance(refused, PatientBusy)) from refused
    freed_time_offer(
        provider_id=appointment.provider_id,
        visit_type_id=appointment.visit_type_id,
        start=appointment.start,
        end=appointment.end,
    )
    patient = patient_get(patient_id=appointment.patient_id)
    emailed = patient is not None and emails.send(
        emails.moved(
            to=patient.email,
            first_name=patient.given_name,
            appointment=moved,
            previous_start=appointment.start,
            language=patient.preferred_language,
        )
    )
    if availability.notify_by_email:
        doctor = notice_recipient_get(provider_id=moved.provider_id)
        if doctor is not None:
            emails.send(
                emails.doctor_notice(to=doctor.email, appointment=moved, previous_start=appointment.start)
            )
    return Changed(moved, emailed=emailed)


def appointment_confirmation_send(*, actor: Actor, audit: AuditContext, appointment_id: str) -> bool:
    """Email the confirmation of the actor's booked, upcoming appointment
    again (after a failed send). Whether SES took it. Books nothing. Raises
    AppointmentNotFound, or ChangeTooLate if it is no longer booked or
    already started."""
    appointment, head = appointment_get_for(
        actor=actor, audit=audit, appointment_id=appointment_id, action="appointment.confirmation_send"
    )
    if not appointment.is_booked or appointment.start <= clock.now():
        raise ChangeTooLate
    audit_record(
        actor=actor,
        audit=audit,
        action="appointment.confirmation_send",
        outcome=ALLOWED,
        resource_type="appointment",
        resource_id=appointment.appointment_id,
        patient_id=appointment.patient_id,
        head=head,
    )
    patient = patient_get(patient_id=appointment.patient_id)
    return patient is not None and _send_confirmation(patient, appointment)
