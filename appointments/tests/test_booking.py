"""Booking through the service layer against the local stack: what one
booking writes, what it refuses, and what the patient is told."""

from datetime import time, timedelta

import pytest

from appointments import repository
from appointments.availability.selectors import availability_get
from appointments.booking.domain import SlotTaken
from appointments.booking.selectors import free_week_get
from appointments.clinic import clinic_zone
from appointments.domain import (
    CARE_TEAM_REASON,
    IN_PAST,
    NOT_ON_GRID,
    OUTSIDE_AVAILABILITY,
    SlotRefused,
    WeeklyRule,
    new_booking_id,
)
from appointments.tests.conftest import TUESDAY_NINE, book, set_hours
from appointments.tests.support import appointments, locks, raw_mail_to
from audit import repository as audit_log
from patients.care_team.selectors import care_team_member_get

pytestmark = pytest.mark.django_db


def test_it_books_with_locks_care_team_link_and_audit_event_in_two_round_trips(
    doctor_hours, dynamodb_calls, local_stack
):
    cast = doctor_hours
    dynamodb_calls.clear()

    booked = book(cast.other_patient, cast.doctor)

    # one batch read (availability, doctor, patient, care-team link, audit
    # head), one transaction; plus the sent email
    assert dynamodb_calls == {"BatchGetItem": 1, "TransactWriteItems": 1}
    appointment = booked.appointment
    assert [a.appointment_id for a in appointments()] == [appointment.appointment_id]
    assert (appointment.start, appointment.end - appointment.start) == (TUESDAY_NINE, timedelta(minutes=30))
    held = locks()
    assert len(held) == 12 and set(held.values()) == {appointment.appointment_id}
    assert sum(lock.startswith("provider#") for lock in held) == 6
    link = care_team_member_get(patient_id=cast.other_patient.sub, provider_id=cast.doctor.sub)
    assert link is not None and link.reason == CARE_TEAM_REASON
    events, _ = audit_log.list_by("patientId", cast.other_patient.sub)
    assert [(e.action, e.outcome, e.resource_id) for e in events] == [
        ("appointment.book", "allowed", appointment.appointment_id)
    ]
    assert "cough" not in str(events[0].detail)
    assert booked.emailed


def test_an_existing_care_team_link_is_kept_as_it_was(doctor_hours):
    cast = doctor_hours
    before = care_team_member_get(patient_id=cast.patient.sub, provider_id=cast.doctor.sub)

    book(cast.patient, cast.doctor)

    assert care_team_member_get(patient_id=cast.patient.sub, provider_id=cast.doctor.sub) == before


def test_the_confirmation_email_has_the_local_time_the_doctor_and_a_calendar_file(doctor_hours, local_stack):
    cast = doctor_hours

    book(cast.other_patient, cast.doctor)

    [message] = raw_mail_to(local_stack, cast.other_patient.email)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Tuesday 3 March 2026 at 9:00 AM (EST)" in text
    assert "Dr Casey Sample" in text
    assert "cough" not in message.as_string()
    [invitation] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = invitation.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "DTSTART:20260303T140000Z" in calendar and "DTEND:20260303T143000Z" in calendar


def test_sending_the_same_booking_twice_books_once(doctor_hours):
    cast = doctor_hours
    booking_id = new_booking_id()

    first = book(cast.other_patient, cast.doctor, booking_id=booking_id)
    again = book(cast.other_patient, cast.doctor, booking_id=booking_id)

    assert again.appointment == first.appointment
    assert len(appointments()) == 1


@pytest.mark.parametrize(
    "start, problem",
    [
        (TUESDAY_NINE - timedelta(days=2), IN_PAST),
        (TUESDAY_NINE + timedelta(minutes=10), NOT_ON_GRID),
        (TUESDAY_NINE + timedelta(hours=4), OUTSIDE_AVAILABILITY),
    ],
)
def test_it_refuses_a_slot_that_is_not_bookable_and_writes_nothing(doctor_hours, start, problem):
    with pytest.raises(SlotRefused) as refused:
        book(doctor_hours.patient, doctor_hours.doctor, start)

    assert refused.value.problem == problem
    assert appointments() == [] and locks() == {}


def test_the_loser_of_a_slot_is_offered_the_nearest_free_slots(doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)

    with pytest.raises(SlotTaken) as taken:
        book(cast.other_patient, cast.doctor)

    nearest = [slot.start for slot in taken.value.nearest]
    assert TUESDAY_NINE not in nearest
    assert TUESDAY_NINE + timedelta(minutes=30) in nearest
    assert not taken.value.patient_busy


def test_a_patient_cannot_be_in_two_places_at_once(doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)

    with pytest.raises(SlotTaken) as taken:
        book(cast.patient, cast.other_doctor)

    assert taken.value.patient_busy
    assert len(appointments()) == 1


def test_free_slots_leave_out_booked_and_past_ones_in_two_round_trips(
    doctor_hours, clinic_clock, dynamodb_calls
):
    cast = doctor_hours
    book(cast.patient, cast.doctor, TUESDAY_NINE + timedelta(minutes=30))
    clinic_clock.moment = TUESDAY_NINE + timedelta(minutes=10)
    dynamodb_calls.clear()

    schedule = free_week_get(provider_id=cast.doctor.sub, week=0)

    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1}
    tuesday = [
        slot.start for day in schedule.days for slot in day.slots if day.day.isoformat() == "2026-03-03"
    ]
    assert TUESDAY_NINE not in tuesday  # past
    assert TUESDAY_NINE + timedelta(minutes=30) not in tuesday  # booked
    assert tuesday[0] == TUESDAY_NINE + timedelta(hours=1)


def test_a_nine_oclock_slot_stays_at_nine_local_across_the_dst_change(doctor_hours):
    cast = doctor_hours

    this_week = free_week_get(provider_id=cast.doctor.sub, week=0)
    next_week = free_week_get(provider_id=cast.doctor.sub, week=1)

    first_slots = {day.day.isoformat(): day.slots[0].start_iso for day in this_week.days + next_week.days}
    assert first_slots["2026-03-04"] == "2026-03-04T14:00:00Z"  # EST, UTC-5
    assert first_slots["2026-03-11"] == "2026-03-11T13:00:00Z"  # EDT, UTC-4
    zone = clinic_zone()
    assert {
        day.slots[0].start.astimezone(zone).strftime("%H:%M") for day in this_week.days + next_week.days
    } == {"09:00"}


def test_a_doctor_changes_only_their_own_hours(doctor_hours):
    cast = doctor_hours

    set_hours(cast.other_doctor, WeeklyRule(0, time(13), time(15), 15))

    doctors_own = availability_get(provider_id=cast.doctor.sub)
    assert [rule.slot_minutes for rule in doctors_own.rules] == [30] * 5


def test_a_doctors_appointments_are_listed_by_date_range(doctor_hours):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor).appointment
    second = book(cast.other_patient, cast.doctor, TUESDAY_NINE + timedelta(days=1)).appointment
    book(cast.other_patient, cast.other_doctor, TUESDAY_NINE + timedelta(hours=1))

    tuesday, _ = repository.list_by_provider(
        cast.doctor.sub, since=TUESDAY_NINE - timedelta(hours=4), until=TUESDAY_NINE + timedelta(hours=12)
    )
    both, _ = repository.list_by_provider(
        cast.doctor.sub, since=TUESDAY_NINE, until=TUESDAY_NINE + timedelta(days=2)
    )

    assert [a.appointment_id for a in tuesday] == [first.appointment_id]
    assert [a.appointment_id for a in both] == [first.appointment_id, second.appointment_id]


def test_a_time_both_taken_and_the_patients_own_answers_taken_the_doctors_locks_deciding(doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)

    with pytest.raises(SlotTaken) as taken:
        book(cast.patient, cast.doctor)  # another booking id: the doctor's and the patient's locks refuse it

    assert not taken.value.patient_busy
    assert len(appointments()) == 1
