"""The appointment pages in the hostile-input registry (tests/form_registry.py
adds them to TARGETS). Pages about one appointment get a real one, booked
more than the change cut-off ahead of now."""

from __future__ import annotations

from datetime import time
from types import SimpleNamespace

from django.test import RequestFactory

from appointments import repository, services
from appointments.domain import Availability, WeeklyRule, new_booking_id
from appointments.forms import (
    AppointmentListForm,
    AvailabilityForm,
    BookingChoiceForm,
    BookingForm,
    DoctorCancelForm,
    DayOffForm,
    ExtraHoursForm,
    RescheduleForm,
    SlotPickForm,
    WeekForm,
    WeeklyRuleForm,
)
from tests.access_matrix import DOCTOR, PATIENT
from tests.form_registry import WITH_PAGE_TOKEN, FormTarget, Setup


def _request_as(person):
    request = RequestFactory().post("/")
    request.user = SimpleNamespace(is_authenticated=True, username=person.sub, role=person.role.value)
    return request


def open_every_day(doctor) -> list:
    """Give `doctor` hours every day (once) and answer their free slots a week
    from today on: past any cut-off."""
    if not repository.availability_get(doctor.sub).rules:
        hours = tuple(WeeklyRule(day, time(8), time(18), 30) for day in range(7))
        services.availability_update(request=_request_as(doctor), proposed=Availability(doctor.sub, rules=hours))
    return [slot for day in services.free_week(provider_id=doctor.sub, week=1).days for slot in day.slots]


def book_for(patient, doctor):
    """An appointment of `patient` with `doctor` at the first free time."""
    booked = services.appointment_book(
        request=_request_as(patient), provider_id=doctor.sub, start=open_every_day(doctor)[0].start,
        reason="Baseline visit", appointment_id=new_booking_id(),
    )
    return booked.appointment


def _open_every_day(setup: Setup) -> None:
    setup.made["free"] = open_every_day(setup.cast.doctor)


def _book_one(setup: Setup) -> None:
    setup.made["appointment"] = book_for(setup.cast.patient, setup.cast.doctor)
    setup.made["free"] = open_every_day(setup.cast.doctor)


def _appointment_path(suffix: str):
    return lambda setup: f"/patient/appointments/{setup.made['appointment'].appointment_id}/{suffix}"


def _doctors_path(suffix: str):
    return lambda setup: f"/doctor/appointments/{setup.made['appointment'].appointment_id}/{suffix}"


def _availability(setup: Setup) -> dict:
    values = {"version": "0"}
    for prefix, rows in (("rules", 1), ("days_off", 1), ("extra_hours", 1)):
        values.update({f"{prefix}-TOTAL_FORMS": str(rows), f"{prefix}-INITIAL_FORMS": "0"})
    values.update({
        "rules-0-weekday": "1", "rules-0-start": "09:00", "rules-0-end": "12:00", "rules-0-slot_minutes": "20",
        "rules-0-breaks": "10:00-10:20",
        "days_off-0-day": "2030-12-24",
        "extra_hours-0-day": "2030-12-28", "extra_hours-0-start": "10:00", "extra_hours-0-end": "11:00",
        "extra_hours-0-slot_minutes": "15",
    })
    return values


def _booking(setup: Setup) -> dict:
    return {
        "doctor": setup.cast.doctor.sub, "start": setup.made["free"][0].start_iso,
        "reason": "A sore shoulder", "booking_id": new_booking_id(),
    }


def _reschedule(setup: Setup) -> dict:
    return {"start": setup.made["free"][3].start_iso, "version": str(setup.made["appointment"].version)}


def _fixed(path: str):
    return lambda setup: path


APPOINTMENT_TARGETS = (
    FormTarget(
        "appointments:availability", DOCTOR, AvailabilityForm, _availability, _fixed("/doctor/availability/"),
        covers=(WeeklyRuleForm, DayOffForm, ExtraHoursForm),
    ),
    FormTarget(
        "appointments:book_confirm", PATIENT, BookingForm, _booking, _fixed("/patient/appointments/book/confirm/"),
        prepare=_open_every_day, statuses=frozenset({200, 302, 404}),  # 404: a doctor id that names no doctor
    ),
    FormTarget(
        "appointments:reschedule", PATIENT, RescheduleForm, _reschedule, _appointment_path("reschedule/"),
        prepare=_book_one,
    ),
    # They read no input: the appointment is named by the path.
    FormTarget("appointments:cancel", PATIENT, None, lambda setup: {}, _appointment_path("cancel/"), prepare=_book_one),
    FormTarget(
        "appointments:send_confirmation", PATIENT, None, lambda setup: {}, _appointment_path("send-confirmation/"),
        prepare=_book_one,
    ),
    FormTarget(
        "appointments:doctor_cancel", DOCTOR, DoctorCancelForm, lambda setup: {"reason": "I am unwell today"},
        _doctors_path("cancel/"), prepare=_book_one,
    ),
    # They read no input: the appointment is named by the path. Not started
    # yet, so each answers "not now" with a redirect and changes nothing.
    FormTarget("appointments:doctor_complete", DOCTOR, None, lambda setup: {}, _doctors_path("complete/"), prepare=_book_one),
    FormTarget("appointments:doctor_no_show", DOCTOR, None, lambda setup: {}, _doctors_path("no-show/"), prepare=_book_one),
    # Query-string forms.
    FormTarget(
        "appointments:list", PATIENT, AppointmentListForm, lambda setup: {"when": "past", "page": ""},
        _fixed("/patient/appointments/"), method="GET", statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "appointments:book", PATIENT, BookingChoiceForm,
        lambda setup: {"specialty": "Family medicine", "doctor": setup.cast.doctor.sub, "week": "1", "page": ""},
        _fixed("/patient/appointments/book/"), method="GET", prepare=_open_every_day, statuses=WITH_PAGE_TOKEN,
    ),
    FormTarget(
        "appointments:book_confirm", PATIENT, SlotPickForm,
        lambda setup: {"doctor": setup.cast.doctor.sub, "start": setup.made["free"][0].start_iso},
        _fixed("/patient/appointments/book/confirm/"), method="GET", prepare=_open_every_day,
        statuses=frozenset({200, 404}),
    ),
    FormTarget(
        "appointments:reschedule", PATIENT, WeekForm, lambda setup: {"week": "1"}, _appointment_path("reschedule/"),
        method="GET", prepare=_book_one,
    ),
)
