"""A doctor's own changes to an appointment, through the service layer (the
doctor's pages come with the schedule): cancel with a reason, mark completed
or missed, and nothing on another doctor's appointments."""

from datetime import date, timedelta

import pytest

from appointments import repository
from appointments.domain import CANCELLED, COMPLETED, NO_SHOW, AppointmentNotFound
from appointments.schedules.domain import StatusChangeRefused
from appointments.schedules.selectors import provider_schedule_get
from appointments.schedules.services import appointment_doctor_update
from appointments.tests.conftest import as_actor, book
from appointments.tests.support import locks, raw_mail_to
from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST

pytestmark = pytest.mark.django_db


def _update(doctor, appointment, status, reason=""):
    return appointment_doctor_update(
        actor=as_actor(doctor),
        audit=NO_REQUEST,
        appointment_id=appointment.appointment_id,
        status=status,
        reason=reason,
    )


def test_a_doctor_cancels_with_a_reason_the_patient_is_emailed_and_the_slot_freed(doctor_hours, local_stack):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment

    changed = _update(cast.doctor, appointment, CANCELLED, "I am away at a conference")

    assert changed.emailed
    stored = repository.get(appointment.appointment_id)
    assert (stored.status, stored.cancel_reason, stored.cancelled_by) == (
        CANCELLED,
        "I am away at a conference",
        cast.doctor.sub,
    )
    assert locks() == {}
    [message] = [m for m in raw_mail_to(local_stack, cast.patient.email) if "cancelled" in m["Subject"]]
    assert "I am away at a conference" in message.get_body(preferencelist=("plain",)).get_content()
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    assert ("appointment.cancel", "allowed", cast.doctor.sub) in [
        (e.action, e.outcome, e.user_id) for e in events
    ]


def test_a_doctor_marks_a_started_appointment_completed_or_missed_keeping_its_slot(
    doctor_hours, clinic_clock
):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor).appointment
    second = book(cast.other_patient, cast.doctor, first.start + timedelta(minutes=30)).appointment

    with pytest.raises(StatusChangeRefused):
        _update(cast.doctor, first, COMPLETED)
    clinic_clock.moment = second.start + timedelta(minutes=5)
    _update(cast.doctor, first, COMPLETED)
    _update(cast.doctor, second, NO_SHOW)

    assert repository.get(first.appointment_id).status == COMPLETED
    assert repository.get(second.appointment_id).status == NO_SHOW
    assert len(locks()) == 24
    with pytest.raises(StatusChangeRefused):
        _update(cast.doctor, first, CANCELLED, "too late")


def test_a_doctor_cannot_touch_another_doctors_appointment(doctor_hours):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment

    with pytest.raises(AppointmentNotFound):
        _update(cast.other_doctor, appointment, CANCELLED, "not mine")

    assert repository.get(appointment.appointment_id).is_booked
    events, _ = audit_log.list_by("userId", cast.other_doctor.sub)
    assert [(e.action, e.outcome) for e in events][:1] == [("appointment.cancel", "denied")]


def test_the_doctors_day_and_week_cost_two_round_trips_and_show_only_their_own(doctor_hours, dynamodb_calls):
    cast = doctor_hours
    tuesday = book(cast.patient, cast.doctor).appointment
    wednesday = book(cast.other_patient, cast.doctor, tuesday.start + timedelta(days=1)).appointment
    book(cast.other_patient, cast.other_doctor, tuesday.start + timedelta(hours=1))
    dynamodb_calls.clear()

    day = provider_schedule_get(actor=as_actor(cast.doctor), audit=NO_REQUEST, first_day=date(2026, 3, 3))

    assert dynamodb_calls == {"Query": 1, "TransactWriteItems": 1}
    assert [a.appointment_id for a in day.appointments] == [tuesday.appointment_id]
    week = provider_schedule_get(
        actor=as_actor(cast.doctor), audit=NO_REQUEST, first_day=date(2026, 3, 2), days=7
    )
    assert [a.appointment_id for a in week.appointments] == [tuesday.appointment_id, wednesday.appointment_id]
    events, _ = audit_log.list_by("action", "appointment.schedule")
    assert sorted(events[0].detail["patient_ids"]) == sorted([cast.patient.sub, cast.other_patient.sub])
