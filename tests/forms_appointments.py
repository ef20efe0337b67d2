"""The appointment pages in the hostile-input registry (tests/form_registry.py
adds them to TARGETS), the admin's overbooking page with them. Pages about
one appointment get a real one, booked more than the change cut-off ahead of
now; the overbooking's baseline overbooks a time another patient already
holds."""

from __future__ import annotations

from datetime import time

from appointments.availability.forms import AvailabilityForm, DayOffForm, ExtraHoursForm, WeekdayHoursForm
from appointments.availability.selectors import availability_get
from appointments.availability.services import availability_update
from appointments.booking.forms import (
    AppointmentListForm,
    BookingChoiceForm,
    BookingForm,
    CancelForm,
    RescheduleChoiceForm,
    RescheduleForm,
    SlotPickForm,
)
from appointments.booking.selectors import free_week_get
from appointments.booking.services import appointment_book
from appointments.choices.forms import LocationForm, VisitTypeForm
from appointments.clinic import clinic_zone
from appointments.domain import Availability, WeeklyRule, new_booking_id
from appointments.frontdesk.forms import CallerSearchForm, DeskDayForm
from appointments.overbook.forms import OverbookForm
from appointments.schedules.forms import DoctorCancelForm
from appointments.waitlist.forms import HoldClaimForm, WaitlistJoinForm
from medisecure.identity.actors import NO_REQUEST, Actor
from tests.access_matrix import ADMIN, DOCTOR, FRONTDESK, PATIENT
from tests.form_registry import WITH_PAGE_TOKEN, FormTarget, Setup


def _actor(person) -> Actor:
    return Actor(user_id=person.sub, role=person.role.value)


def open_every_day(doctor) -> list:
    """Give `doctor` hours every day (once) and answer their free slots a week
    from today on: past any cut-off."""
    if not availability_get(provider_id=doctor.sub).rules:
        hours = tuple(WeeklyRule(day, time(8), time(18), 30) for day in range(7))
        availability_update(
            actor=_actor(doctor), audit=NO_REQUEST, proposed=Availability(doctor.sub, rules=hours)
        )
    return [slot for day in free_week_get(provider_id=doctor.sub, week=1).days for slot in day.slots]


def book_for(patient, doctor):
    """An appointment of `patient` with `doctor` at the first free time."""
    booked = appointment_book(
        actor=_actor(patient),
        audit=NO_REQUEST,
        provider_id=doctor.sub,
        start=open_every_day(doctor)[0].start,
        reason="Baseline visit",
        appointment_id=new_booking_id(),
    )
    return booked.appointment


def _open_every_day(setup: Setup) -> None:
    setup.made["free"] = open_every_day(setup.cast.doctor)


def _book_one(setup: Setup) -> None:
    setup.made["appointment"] = book_for(setup.cast.patient, setup.cast.doctor)
    setup.made["free"] = open_every_day(setup.cast.doctor)


def _hold_one(setup: Setup) -> None:
    from tests.matrix_appointments import patients_hold

    setup.made["hold"] = patients_hold(setup.cast)


def _appointment_path(suffix: str):
    return lambda setup: f"/patient/appointments/{setup.made['appointment'].appointment_id}/{suffix}"


def _doctors_path(suffix: str):
    return lambda setup: f"/doctor/appointments/{setup.made['appointment'].appointment_id}/{suffix}"


def _availability(setup: Setup) -> dict:
    values = {"version": "0", "action": "save"}
    for prefix, rows in (("days_off", 1), ("extra_hours", 1)):
        values.update({f"{prefix}-TOTAL_FORMS": str(rows), f"{prefix}-INITIAL_FORMS": "0"})
    values.update(
        {
            "day1-works": "on",
            "day1-start": "09:00",
            "day1-end": "12:00",
            "day1-slot_minutes": "20",
            "day1-breaks": "10:00-10:20",
            "days_off-0-day": "2030-12-24",
            "extra_hours-0-day": "2030-12-28",
            "extra_hours-0-start": "10:00",
            "extra_hours-0-end": "11:00",
            "extra_hours-0-slot_minutes": "15",
        }
    )
    return values


def _booking(setup: Setup) -> dict:
    return {
        "doctor": setup.cast.doctor.sub,
        "start": setup.made["free"][0].start_iso,
        "reason": "A sore shoulder",
        "booking_id": new_booking_id(),
    }


def _reschedule(setup: Setup) -> dict:
    return {"start": setup.made["free"][3].start_iso, "version": str(setup.made["appointment"].version)}


def _overbooking(setup: Setup) -> dict:
    taken = setup.made["appointment"].start.astimezone(clinic_zone())
    return {
        "doctor_email": setup.cast.doctor.email,
        "patient_email": setup.cast.other_patient.email,
        "day": taken.date().isoformat(),
        "start": taken.strftime("%H:%M"),
        "visit_reason": "Results to discuss",
        "overbook_reason": "Seen before surgery",
        "appointment_id": new_booking_id(),
    }


def _fixed(path: str):
    return lambda setup: path


def _desk_path(suffix: str):
    return lambda setup: f"/frontdesk/appointments/{setup.made['appointment'].appointment_id}/{suffix}"


def _desk_booking_path(suffix: str):
    return lambda setup: f"/frontdesk/patients/{setup.cast.other_patient.sub}/book/{suffix}"


APPOINTMENT_TARGETS = (
    FormTarget(
        "appointments:availability",
        DOCTOR,
        AvailabilityForm,
        _availability,
        _fixed("/doctor/availability/"),
        covers=(WeekdayHoursForm, DayOffForm, ExtraHoursForm),
    ),
    FormTarget(
        "appointments:book_confirm",
        PATIENT,
        BookingForm,
        _booking,
        _fixed("/patient/appointments/book/confirm/"),
        prepare=_open_every_day,
        statuses=frozenset({200, 302, 404}),  # 404: a doctor id that names no doctor
    ),
    FormTarget(
        "appointments:reschedule",
        PATIENT,
        RescheduleForm,
        _reschedule,
        _appointment_path("reschedule/"),
        prepare=_book_one,
    ),
    FormTarget(
        "appointments:cancel",
        PATIENT,
        CancelForm,
        lambda setup: {"reason": "Feeling better"},
        _appointment_path("cancel/"),
        prepare=_book_one,
    ),
    # It reads no input: the appointment is named by the path.
    FormTarget(
        "appointments:send_confirmation",
        PATIENT,
        None,
        lambda setup: {},
        _appointment_path("send-confirmation/"),
        prepare=_book_one,
    ),
    FormTarget(
        "appointments:doctor_cancel",
        DOCTOR,
        DoctorCancelForm,
        lambda setup: {"reason": "I am unwell today"},
        _doctors_path("cancel/"),
        prepare=_book_one,
    ),
    # They read no input: the appointment is named by the path. Not started
    # yet, so each answers "not now" with a redirect and changes nothing.
    FormTarget(
        "appointments:doctor_complete",
        DOCTOR,
        None,
        lambda setup: {},
        _doctors_path("complete/"),
        prepare=_book_one,
    ),
    FormTarget(
        "appointments:doctor_no_show",
        DOCTOR,
        None,
        lambda setup: {},
        _doctors_path("no-show/"),
        prepare=_book_one,
    ),
    # Query-string forms.
    FormTarget(
        "appointments:list",
        PATIENT,
        AppointmentListForm,
        lambda setup: {"when": "past", "page": ""},
        _fixed("/patient/appointments/"),
        method="GET",
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "appointments:book",
        PATIENT,
        BookingChoiceForm,
        lambda setup: {
            "specialty": "Family medicine",
            "doctor": setup.cast.doctor.sub,
            "week": "1",
            "page": "",
        },
        _fixed("/patient/appointments/book/"),
        method="GET",
        prepare=_open_every_day,
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "appointments:book_confirm",
        PATIENT,
        SlotPickForm,
        lambda setup: {"doctor": setup.cast.doctor.sub, "start": setup.made["free"][0].start_iso},
        _fixed("/patient/appointments/book/confirm/"),
        method="GET",
        prepare=_open_every_day,
        statuses=frozenset({200, 404}),
    ),
    FormTarget(
        "appointments:reschedule",
        PATIENT,
        RescheduleChoiceForm,
        lambda setup: {"week": "1"},
        _appointment_path("reschedule/"),
        method="GET",
        prepare=_book_one,
    ),
    FormTarget(
        "admin:appointments_overbook",
        ADMIN,
        OverbookForm,
        _overbooking,
        _fixed("/admin/appointments/overbook/"),
        prepare=_book_one,
    ),
    FormTarget(
        "admin:appointments_visit_type",
        ADMIN,
        VisitTypeForm,
        lambda setup: {
            "choice_id": "a" * 32,
            "version": "0",
            "name": "Follow-up",
            "minutes": "30",
            "specialties": ["Family medicine"],
        },
        _fixed("/admin/appointments/visit-types/new/"),
        statuses=frozenset({200, 302, 404}),  # 404: a version for an id that names nothing
    ),
    FormTarget(
        "admin:appointments_location",
        ADMIN,
        LocationForm,
        lambda setup: {
            "choice_id": "b" * 32,
            "version": "0",
            "name": "Downtown",
            "address": "12 High Street",
            "phone": "(555) 222-0100",
        },
        _fixed("/admin/appointments/locations/new/"),
        statuses=frozenset({200, 302, 404}),
    ),
    FormTarget(
        "frontdesk:home",
        FRONTDESK,
        DeskDayForm,
        lambda setup: {"day": "2026-03-03"},
        _fixed("/frontdesk/"),
        method="GET",
    ),
    FormTarget(
        "frontdesk:patient_search",
        FRONTDESK,
        CallerSearchForm,
        lambda setup: {"given_name": "Jordan", "family_name": "Example", "date_of_birth": "1985-04-12"},
        _fixed("/frontdesk/patients/"),
        method="GET",
    ),
    FormTarget(
        "frontdesk:book",
        FRONTDESK,
        BookingChoiceForm,
        lambda setup: {"specialty": "Family medicine", "doctor": setup.cast.doctor.sub, "week": "1"},
        _desk_booking_path(""),
        method="GET",
        prepare=_open_every_day,
        statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "frontdesk:book_confirm",
        FRONTDESK,
        BookingForm,
        _booking,
        _desk_booking_path("confirm/"),
        prepare=_open_every_day,
        statuses=frozenset({200, 302, 404}),
    ),
    FormTarget(
        "frontdesk:cancel",
        FRONTDESK,
        CancelForm,
        lambda setup: {"reason": "Called to cancel"},
        _desk_path("cancel/"),
        prepare=_book_one,
    ),
    FormTarget(
        "frontdesk:move",
        FRONTDESK,
        RescheduleForm,
        _reschedule,
        _desk_path("move/"),
        prepare=_book_one,
    ),
    FormTarget(
        "frontdesk:move",
        FRONTDESK,
        RescheduleChoiceForm,
        lambda setup: {"week": "1"},
        _desk_path("move/"),
        method="GET",
        prepare=_book_one,
    ),
    # They read no input: the appointment is named by the path. Not due
    # yet, so each answers "not now" with a redirect and changes nothing.
    FormTarget(
        "frontdesk:arrived", FRONTDESK, None, lambda setup: {}, _desk_path("arrived/"), prepare=_book_one
    ),
    FormTarget(
        "frontdesk:no_show", FRONTDESK, None, lambda setup: {}, _desk_path("no-show/"), prepare=_book_one
    ),
    FormTarget(
        "appointments:waitlist_join",
        PATIENT,
        WaitlistJoinForm,
        lambda setup: {"doctor": setup.cast.doctor.sub},
        _fixed("/patient/waitlist/join/"),
        prepare=_open_every_day,  # not full: refused with a message and a redirect
        statuses=frozenset({302, 404}),  # 404: a doctor id that names no doctor
    ),
    FormTarget(
        "appointments:waitlist_claim",
        PATIENT,
        HoldClaimForm,
        lambda setup: {"reason": "A sore shoulder"},
        lambda setup: f"/patient/waitlist/{setup.made['hold']}/",
        prepare=_hold_one,
    ),
)
