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

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import PermissionDenied

from appointments import emails, repository
from appointments.domain import (
    PATIENT_LOCK_PREFIX,
    Appointment,
    SlotRefused,
    as_overbooking,
    new_appointment,
    slot_starting,
    slots_on,
    to_iso,
)
from appointments.services import CARE_TEAM_REASON, DoctorNotFound, clinic_zone
from audit.domain import ALLOWED, DENIED
from audit.services import audit_record, next_chain
from clinicians import repository as providers
from medisecure import clock, dynamo, mail
from medisecure.identity.roles import Role
from patients import repository as patients


class PatientNotFound(Exception):
    """No patient record has that email."""


class PatientBusy(Exception):
    """The patient already has an appointment overlapping that time."""


class SlotNotOffered(Exception):
    """The time is not one of the doctor's slots (`problem` as SlotRefused's);
    `offered` are the start times (clinic time) the doctor has that day."""

    def __init__(self, problem: str, offered: list[time]):
        super().__init__(problem)
        self.problem = problem
        self.offered = offered


class BookingIdReused(Exception):
    """The form's appointment id names another booking: a stale or forged form."""


@dataclass(frozen=True)
class Overbooked:
    appointment: Appointment  # `overbooked` is False when the time turned out to be free
    patient_name: str
    emailed: bool


def appointment_overbook(
    *, request, provider_email: str, patient_email: str, start: datetime, visit_reason: str, overbook_reason: str,
    appointment_id: str,
) -> Overbooked:
    """Book the patient with the doctor at `start` (a slot of the doctor's),
    on top of whoever holds it. Admins only (PermissionDenied otherwise).
    Sending the same form again books nothing new. Raises DoctorNotFound,
    PatientNotFound, SlotNotOffered, PatientBusy or BookingIdReused."""
    if getattr(request.user, "role", None) != Role.ADMIN.value:
        audit_record(
            request=request, action="appointment.overbook", outcome=DENIED, resource_type="appointment",
            resource_id=appointment_id, detail={"reason": "not_admin"},
        )
        raise PermissionDenied
    provider = providers.get_by_email(provider_email)
    if provider is None:
        raise DoctorNotFound
    patient = patients.get_by_email(patient_email)
    if patient is None:
        raise PatientNotFound
    reads = repository.booking_reads(provider_id=provider.provider_id, patient_id=patient.patient_id, chain_id=next_chain())
    if reads.provider is None or reads.patient is None:
        raise DoctorNotFound if reads.provider is None else PatientNotFound
    zone = clinic_zone()
    try:
        slot = slot_starting(
            reads.availability, start, zone, now=clock.now(), horizon=timedelta(weeks=settings.BOOKING_HORIZON_WEEKS)
        )
    except SlotRefused as refused:
        day = start.astimezone(zone).date()
        offered = [slot.start.astimezone(zone).time() for slot in slots_on(reads.availability, day, zone)]
        raise SlotNotOffered(refused.problem, offered) from refused
    appointment = new_appointment(
        appointment_id=appointment_id, patient_id=patient.patient_id, patient_name=reads.patient.full_name,
        slot=slot, provider_name=reads.provider.display_name, reason=visit_reason, at=to_iso(clock.now()),
    )
    link = None if reads.in_care_team else patients.care_team_add_entry(
        patient=reads.patient, provider_id=provider.provider_id, since=appointment.created_at, reason=CARE_TEAM_REASON
    )
    booked = _write(request, appointment, link, overbook_reason=overbook_reason)
    message = emails.confirmation(to=reads.patient.email, first_name=reads.patient.given_name, appointment=booked)
    emailed = _sent(message)
    if reads.availability.notify_by_email:
        _sent(emails.doctor_notice(to=reads.provider.email, appointment=booked, booked=True))
    return Overbooked(booked, patient_name=reads.patient.full_name, emailed=emailed)


def _write(request, appointment: Appointment, link: dict | None, *, overbook_reason: str) -> Appointment:
    """Store `appointment` with its locks, the care-team link and the audit
    event; on top of the doctor's booking if the doctor's locks refuse it."""
    writes = repository.book_entries(appointment) + ([link] if link else [])
    try:
        audit_record(
            request=request, action="appointment.overbook", outcome=ALLOWED, resource_type="appointment",
            resource_id=appointment.appointment_id, patient_id=appointment.patient_id, with_writes=writes,
            detail={
                "provider_id": appointment.provider_id, "start": to_iso(appointment.start),
                "overbooked": appointment.overbooked,
            },
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
        refused = repository.refusals(error, writes)
    else:
        return appointment
    if refused.tables == {"care-team"}:
        return _write(request, appointment, None, overbook_reason=overbook_reason)
    if "appointments" in refused.tables:
        return _repeated(appointment)
    if any(lock.startswith(PATIENT_LOCK_PREFIX) for lock in refused.lock_ids) or appointment.overbooked:
        raise PatientBusy
    return _write(request, as_overbooking(appointment, reason=overbook_reason), link, overbook_reason=overbook_reason)


def _repeated(appointment: Appointment) -> Appointment:
    existing = repository.get(appointment.appointment_id)
    if existing is None or (existing.patient_id, existing.provider_id, existing.start) != (
        appointment.patient_id, appointment.provider_id, appointment.start
    ):
        raise BookingIdReused
    return existing


def _sent(message: mail.Message) -> bool:
    try:
        mail.send(message)
    except mail.MailNotSent:
        return False
    return True
