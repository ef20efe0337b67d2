"""What the front desk reads: every doctor's day, a caller found by name and
date of birth, and the caller's record to book for (PHI: each audited,
naming the patients shown, before it is returned). No reason for a visit,
chart, document or message is read here."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from appointments import repository
from appointments.booking.domain import BookingChoices, SlotOffer
from appointments.booking.selectors import booking_choices_get, booking_slot_get
from appointments.clinic import clinic_zone
from appointments.frontdesk.domain import CallerNotFound, DeskDay, desk_day
from audit.domain import ALLOWED
from audit.services import audit_record
from medisecure import clock
from medisecure.identity.actors import Actor, AuditContext
from patients.domain import Patient
from patients.selectors import patient_get, patient_list_by_name_and_birth

DAY_LIMIT = 500


def desk_day_get(*, actor: Actor, audit: AuditContext, day: date | None) -> DeskDay:
    """Every doctor's appointments on a local date (today by default), every
    status: DayIndex, one Query per UTC date the clinic's day touches (two),
    then the audit event naming the patients shown. Three round trips."""
    zone = clinic_zone()
    now = clock.now()
    day = day or now.astimezone(zone).date()
    since = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    until = since + timedelta(days=1) - timedelta(seconds=1)
    appointments = repository.starting_between(since, until, limit=DAY_LIMIT)
    audit_record(
        actor=actor,
        audit=audit,
        action="appointment.desk_day",
        outcome=ALLOWED,
        resource_type="day",
        resource_id=day.isoformat(),
        detail={"patient_ids": sorted({a.patient_id for a in appointments})},
    )
    return desk_day(day, appointments, now=now)


def caller_search(
    *, actor: Actor, audit: AuditContext, given_name: str, family_name: str, date_of_birth: str
) -> list[Patient]:
    """Patients with exactly this name and date of birth: one Query of the
    patients' NameBirthIndex (no Scan), then the audit event naming those
    found (ids only). Two round trips."""
    found = patient_list_by_name_and_birth(
        given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    audit_record(
        actor=actor,
        audit=audit,
        action="patient.desk_search",
        outcome=ALLOWED,
        resource_type="patient",
        detail={"patient_ids": [patient.patient_id for patient in found]},
    )
    return found


def caller_get(*, actor: Actor, audit: AuditContext, patient_id: str) -> Patient:
    """The caller the front desk books for (their name and date of birth are
    shown); audited. CallerNotFound (audited by the error page) if no
    patient has that id."""
    patient = patient_get(patient_id=patient_id)
    if patient is None:
        raise CallerNotFound
    audit_record(
        actor=actor,
        audit=audit,
        action="patient.desk_read",
        outcome=ALLOWED,
        resource_type="patient",
        resource_id=patient_id,
        patient_id=patient_id,
    )
    return patient


def booking_for_get(
    *, actor: Actor, audit: AuditContext, patient_id: str, **choice
) -> tuple[Patient, BookingChoices]:
    """The caller (audited) and the booking page's choices for them (as a
    patient's own: specialties, visit types, locations, a doctor's free
    times). CallerNotFound if no patient has that id."""
    patient = caller_get(actor=actor, audit=audit, patient_id=patient_id)
    return patient, booking_choices_get(**choice)


def booking_slot_for_get(
    *, actor: Actor, audit: AuditContext, patient_id: str, **slot
) -> tuple[Patient, SlotOffer]:
    """The caller (audited) and the slot picked for them, checked (SlotRefused)."""
    patient = caller_get(actor=actor, audit=audit, patient_id=patient_id)
    return patient, booking_slot_get(**slot)
