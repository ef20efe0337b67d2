"""Step "scheduling": what the booking pages choose from besides the doctor
and the time, and the clinic's week around it, through the scheduling
rooms' services.

- The admin's visit types (one by video) and two locations.
- Each doctor's weekly hours (the doctors step set them) now say where
  they are held; Dr Nowak, the one cardiologist, is away for the next two
  weeks (his clinic days in them are days off).
- The front desk moves the patients booked with Dr Nowak in those weeks to
  after his return, and books two callers a visit of a chosen type and
  place.
- Dr Nowak having no free time in the next two weeks, two of his patients
  join his waitlist: a time freed later is offered to the first of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from appointments.availability.selectors import availability_get
from appointments.availability.services import availability_update
from appointments.booking.services import appointment_book, appointment_reschedule
from appointments.choices.domain import Location, VisitType
from appointments.choices.services import location_save, visit_type_save
from appointments.selectors import appointment_get_for
from appointments.waitlist.domain import AlreadyWaiting
from appointments.waitlist.services import waitlist_join
from medisecure import clinic_time
from medisecure.errors import ConcurrentUpdate
from portal.demo.clinic import DemoClinic, fixed_id
from portal.demo.people import DOCTORS, DOCTORS_BY_KEY
from portal.demo.upcoming import UPCOMING

FAMILY, CARDIOLOGY, DERMATOLOGY = "Family medicine", "Cardiology", "Dermatology"

# (key, name, minutes, by video, specialties)
VISIT_TYPES = (
    ("check-up", "Check-up", 20, False, (FAMILY, CARDIOLOGY, DERMATOLOGY)),
    ("video", "Video consultation", 20, True, (FAMILY, DERMATOLOGY)),
    ("heart-check", "Heart check with ECG", 30, False, (CARDIOLOGY,)),
    ("skin-check", "Skin check", 30, False, (DERMATOLOGY,)),
)
# (key, name, address, phone, opening hours)
LOCATIONS = (
    (
        "riverton",
        "Riverton Health Centre",
        "200 Alder Way, Riverton",
        "+15550100100",
        "Weekdays, 8 to 6",
    ),
    (
        "eastfield",
        "Eastfield Clinic",
        "45 Juniper Road, Eastfield",
        "+15550100200",
        "Weekdays, 9 to 6",
    ),
)
# Where each doctor works on each weekday of their hours (default Riverton).
EASTFIELD_DAYS = {"nowak": {3}, "herrera": {0, 2}}
AWAY = "nowak"
AWAY_DAYS = 14
# Callers the front desk books: (patient, doctor, days from today, hour,
# visit type, location: none for a video visit, reason).
CALLERS = (
    ("ana", "sample", 2, 10, "check-up", "riverton", "Sore shoulder for a month"),
    ("kenji", "herrera", 4, 11, "video", "", "Rash back after stopping the cream"),
)
# (patient, visit type): waiting for Dr Nowak, in the order they join.
WAITING = (("hannah", ""), ("soren", "heart-check"))


def visit_type_id(key: str) -> str:
    return fixed_id("visit_type", key) if key else ""


def location_id(key: str) -> str:
    return fixed_id("location", key) if key else ""


def scheduling_seed(clinic: DemoClinic) -> str:
    _choices(clinic)
    leave = _away_days(clinic.today)
    _hours(clinic, leave)
    moved = _move_out_of(clinic, leave)
    for patient, doctor, days, hour, visit_type, place, reason in CALLERS:
        appointment_book(
            actor=clinic.frontdesk(),
            audit=clinic.audit,
            provider_id=clinic.sub_of_doctor(doctor),
            start=clinic.slot(doctor, days_from_today=days, hour=hour),
            reason=reason,
            appointment_id=fixed_id("caller", patient, doctor),
            visit_type_id=visit_type_id(visit_type),
            location_id=location_id(place),
            patient_id=clinic.sub_of_patient(patient),
        )
    for patient, visit_type in WAITING:
        try:
            waitlist_join(
                actor=clinic.patient(patient),
                audit=clinic.audit,
                provider_id=clinic.sub_of_doctor(AWAY),
                visit_type_id=visit_type_id(visit_type),
            )
        except AlreadyWaiting:
            pass
    return (
        f"{len(VISIT_TYPES)} visit types, {len(LOCATIONS)} locations, hours with their places, "
        f"{len(leave)} days off, {moved} visits moved, {len(CALLERS)} booked by the front desk, "
        f"{len(WAITING)} on the waitlist"
    )


def _choices(clinic: DemoClinic) -> None:
    admin = clinic.admin()
    for key, name, minutes, telehealth, specialties in VISIT_TYPES:
        try:
            visit_type_save(
                actor=admin,
                audit=clinic.audit,
                visit_type=VisitType(visit_type_id(key), name, minutes, telehealth, specialties),
            )
        except ConcurrentUpdate:
            pass  # saved by a run cut short
    for key, name, address, phone, hours in LOCATIONS:
        try:
            location_save(
                actor=admin,
                audit=clinic.audit,
                location=Location(location_id(key), name, address, phone, hours),
            )
        except ConcurrentUpdate:
            pass


def _away_days(today: date) -> tuple[date, ...]:
    weekdays = {rule.weekday for rule in DOCTORS_BY_KEY[AWAY].hours}
    days = (today + timedelta(days=offset) for offset in range(AWAY_DAYS))
    return tuple(day for day in days if day.weekday() in weekdays)


def _hours(clinic: DemoClinic, leave: tuple[date, ...]) -> None:
    for doctor in DOCTORS:
        eastfield = EASTFIELD_DAYS.get(doctor.key, set())
        rules = tuple(
            replace(rule, location_id=location_id("eastfield" if rule.weekday in eastfield else "riverton"))
            for rule in doctor.hours
        )
        try:
            # Version 1: the hours as the doctors step left them, never a doctor's own.
            availability_update(
                actor=clinic.doctor(doctor.key),
                audit=clinic.audit,
                proposed=replace(
                    availability_get(provider_id=clinic.sub_of_doctor(doctor.key)),
                    rules=rules,
                    days_off=leave if doctor.key == AWAY else (),
                    version=1,
                ),
            )
        except ConcurrentUpdate:
            pass


def _move_out_of(clinic: DemoClinic, leave: tuple[date, ...]) -> int:
    """The front desk moves the visits booked with the doctor on their days
    off to the weeks after (each patient is told by email)."""
    desk, moved = clinic.frontdesk(), 0
    for patient, doctor, days, _hour, _reason in UPCOMING:
        if doctor != AWAY:
            continue
        appointment, _head = appointment_get_for(
            actor=desk,
            audit=clinic.audit,
            appointment_id=fixed_id("upcoming", patient, doctor, str(days)),
            action="appointment.reschedule",
        )
        if not appointment.is_booked or clinic_time.in_clinic(appointment.start).date() not in leave:
            continue
        appointment_reschedule(
            actor=desk,
            audit=clinic.audit,
            appointment_id=appointment.appointment_id,
            start=clinic.slot(doctor, days_from_today=AWAY_DAYS, hour=9 + moved),
            expected_version=appointment.version,
        )
        moved += 1
    return moved
