"""An admin overbooks a slot: books a patient with a doctor at a time the
doctor may already have taken, saying why.

Nobody else can: patients book through appointment_book, whose locks refuse
a taken time. The admin's booking is first tried as an ordinary one, holding
the doctor's and the patient's locks; only when the doctor's locks refuse it
(the time is taken) is it written again as an overbooking, which holds the
patient's locks only and carries `overbooked` and the admin's reason. So the
appointment already there keeps the doctor's locks, and cancelling either
one releases only its own (locks are released by their holder only). The
patient's locks are always taken: an overbooking never puts one patient in
two places at once. Each attempt is one transaction with the care-team link
and the audit event, so a refused attempt leaves nothing behind."""

from __future__ import annotations

from datetime import datetime

from appointments import emails, repository
from appointments.availability.selectors import availability_read
from appointments.clinic import booking_horizon, clinic_zone
from appointments.domain import (
    CARE_TEAM_REASON,
    Appointment,
    AppointmentExists,
    DoctorNotFound,
    DoctorSlotTaken,
    SlotRefused,
    as_overbooking,
    new_appointment,
    slot_starting,
    slots_on,
)
from appointments.overbook.domain import (
    BookingIdReused,
    Overbooked,
    OverbookRefused,
    PatientNotFound,
    SlotNotOffered,
)
from audit.domain import DENIED, ChainHead
from audit.services import audit_event_add, audit_record, chain_head_read
from clinicians.selectors import provider_get_by_email, provider_read
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.unit_of_work import Transaction
from patients.care_team.selectors import care_team_link_read
from patients.care_team.services import AlreadyInCareTeam, care_team_link_add
from patients.domain import Patient
from patients.selectors import patient_get_by_email, patient_read


def appointment_overbook(
    *,
    actor: Actor,
    audit: AuditContext,
    provider_email: str,
    patient_email: str,
    start: datetime,
    visit_reason: str,
    overbook_reason: str,
    appointment_id: str,
) -> Overbooked:
    """Book the patient with the doctor at `start` (a slot of the doctor's),
    on top of whoever holds it. Admins only (OverbookRefused, audited,
    otherwise). Sending the same form again books nothing new. Raises
    DoctorNotFound, PatientNotFound, SlotNotOffered, PatientBusy or
    BookingIdReused."""
    if not actor.has_role(Role.ADMIN):
        audit_record(
            actor=actor,
            audit=audit,
            action="appointment.overbook",
            outcome=DENIED,
            resource_type="appointment",
            resource_id=appointment_id,
            detail={"reason": "not_admin"},
        )
        raise OverbookRefused(audited=True)
    found_provider = provider_get_by_email(email=provider_email)
    if found_provider is None:
        raise DoctorNotFound
    found_patient = patient_get_by_email(email=patient_email)
    if found_patient is None:
        raise PatientNotFound
    provider_id, patient_id = found_provider.provider_id, found_patient.patient_id
    availability, provider, patient, existing_link, head = dynamo.read_together(
        availability_read(provider_id=provider_id),
        provider_read(provider_id=provider_id),
        patient_read(patient_id=patient_id),
        care_team_link_read(patient_id=patient_id, provider_id=provider_id),
        chain_head_read(),
        consistent=True,
    )
    if provider is None:
        raise DoctorNotFound
    if patient is None:
        raise PatientNotFound
    zone = clinic_zone()
    try:
        slot = slot_starting(availability, start, zone, now=clock.now(), horizon=booking_horizon())
    except SlotRefused as refused:
        day = start.astimezone(zone).date()
        offered = [slot.start.astimezone(zone).time() for slot in slots_on(availability, day, zone)]
        raise SlotNotOffered(refused.problem, offered) from refused
    appointment = new_appointment(
        appointment_id=appointment_id,
        patient_id=patient_id,
        patient_name=patient.full_name,
        slot=slot,
        provider_name=provider.display_name,
        specialty=provider.specialty,
        reason=visit_reason,
        at=clock.stamp(),
    )
    booked = _write(
        actor,
        audit,
        appointment,
        patient,
        with_link=existing_link is None,
        head=head,
        overbook_reason=overbook_reason,
    )
    message = emails.confirmation(
        to=patient.email,
        first_name=patient.given_name,
        appointment=booked,
        language=patient.preferred_language,
    )
    emailed = emails.send(message)
    if availability.notify_by_email:
        emails.send(emails.doctor_notice(to=provider.email, appointment=booked, booked=True))
    return Overbooked(booked, patient_name=patient.full_name, emailed=emailed)


def _write(
    actor: Actor,
    audit: AuditContext,
    appointment: Appointment,
    patient: Patient,
    *,
    with_link: bool,
    head: ChainHead | None,
    overbook_reason: str,
) -> Appointment:
    """Store `appointment` with its locks, the care-team link and the audit
    event; on top of the doctor's booking if the doctor's locks refuse it."""
    # The order of the writes is the order of the outcomes when several are
    # refused: the appointment's id (the same form sent again), then the
    # patient's locks (PatientBusy: never overbooked), then the doctor's (the
    # time is taken: overbook it), and the care-team link last.
    tx = Transaction()
    repository.appointment_add(tx, appointment)
    repository.locks_take(tx, appointment, appointment.patient_locks)
    repository.locks_take(tx, appointment, appointment.provider_locks)
    if with_link:
        care_team_link_add(
            tx=tx,
            patient=patient,
            provider_id=appointment.provider_id,
            since=appointment.created_at,
            reason=CARE_TEAM_REASON,
        )
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="appointment.overbook",
        resource_type="appointment",
        resource_id=appointment.appointment_id,
        patient_id=appointment.patient_id,
        detail={
            "provider_id": appointment.provider_id,
            "start": clock.stamp(appointment.start),
            "overbooked": appointment.overbooked,
        },
        head=head,
    )
    try:
        tx.commit()
    except AlreadyInCareTeam:
        return _write(
            actor, audit, appointment, patient, with_link=False, head=None, overbook_reason=overbook_reason
        )
    except AppointmentExists:
        return _repeated(appointment)
    except DoctorSlotTaken:
        overbooking = as_overbooking(appointment, reason=overbook_reason)
        return _write(
            actor,
            audit,
            overbooking,
            patient,
            with_link=with_link,
            head=None,
            overbook_reason=overbook_reason,
        )
    return appointment


def _repeated(appointment: Appointment) -> Appointment:
    existing = repository.get(appointment.appointment_id)
    if existing is None or (existing.patient_id, existing.provider_id, existing.start) != (
        appointment.patient_id,
        appointment.provider_id,
        appointment.start,
    ):
        raise BookingIdReused
    return existing
