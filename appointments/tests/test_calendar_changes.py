"""Cancel and reschedule done right: the calendar files a booking, a move
and a cancellation send (parsed with icalendar, as a calendar would), the
emails naming old and new times, the doctor's notice of a move, the
confirmation step before cancelling, the reschedule grid without the
current time, and the warning for a time inside the change cut-off."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from appointments import repository
from appointments.availability.selectors import availability_get
from appointments.availability.services import availability_update
from appointments.booking.selectors import free_week_get
from appointments.domain import CANCELLED, Availability
from appointments.tests.conftest import TUESDAY_NINE, as_actor, book
from appointments.tests.support import locks, raw_mail_to
from medisecure.identity.actors import NO_REQUEST
from tests.support import mail_to, sign_in

pytestmark = pytest.mark.django_db

WEDNESDAY_TEN = "2026-03-04T15:00:00Z"


def _calendars(local_stack, address: str) -> list[tuple[str, Calendar]]:
    """(subject, parsed calendar file) of each email to `address` that carries one, in order sent."""
    found = []
    for message in raw_mail_to(local_stack, address):
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                content = part.get_content()
                found.append((message["Subject"], Calendar.from_ical(content)))
    return found


def _event(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


def _text(local_stack, address: str, subject_has: str) -> str:
    [message] = [m for m in raw_mail_to(local_stack, address) if subject_has in m["Subject"]]
    return message.get_body(preferencelist=("plain",)).get_content()


def test_booking_moving_and_cancelling_send_files_that_add_move_and_remove_one_event(
    client, doctor_hours, local_stack
):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.patient.email)
    client.post(
        f"/patient/appointments/{appointment.appointment_id}/reschedule/",
        {"start": WEDNESDAY_TEN, "version": "1"},
    )
    client.post(f"/patient/appointments/{appointment.appointment_id}/cancel/", {"reason": ""})

    [(booked_subject, booked), (moved_subject, moved), (cancel_subject, cancelled)] = _calendars(
        local_stack, cast.patient.email
    )
    assert "booked" in booked_subject and "moved" in moved_subject and "cancelled" in cancel_subject
    events = [_event(calendar) for calendar in (booked, moved, cancelled)]
    assert len({str(event["UID"]) for event in events}) == 1
    assert str(events[0]["UID"]).startswith(appointment.appointment_id)
    sequences = [int(event["SEQUENCE"]) for event in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert [str(calendar["METHOD"]) for calendar in (booked, moved, cancelled)] == [
        "REQUEST",
        "REQUEST",
        "CANCEL",
    ]
    assert str(events[2]["STATUS"]) == "CANCELLED"
    assert events[1].decoded("DTSTART").isoformat() == "2026-03-04T15:00:00+00:00"
    for event in events[:2]:
        triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
        assert triggers == [-timedelta(days=1), -timedelta(hours=1)]
        assert "MediSecure" in str(event["LOCATION"])
    # The sequence is the appointment's own, stored with each change.
    assert repository.get(appointment.appointment_id).sequence == sequences[-1]


def test_the_reschedule_email_names_the_old_and_the_new_time(client, doctor_hours, local_stack):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.patient.email)

    client.post(
        f"/patient/appointments/{appointment.appointment_id}/reschedule/",
        {"start": WEDNESDAY_TEN, "version": "1"},
    )

    text = _text(local_stack, cast.patient.email, "moved")
    assert "Was: Tuesday 3 March 2026 at 9:00 AM (EST)" in text
    assert "Now: Wednesday 4 March 2026 at 10:00 AM (EST)" in text
    assert "cough" not in text


def test_a_doctor_who_opted_in_is_told_of_a_move_with_both_times(client, doctor_hours, local_stack):
    cast = doctor_hours
    current = availability_get(provider_id=cast.doctor.sub)
    availability_update(
        actor=as_actor(cast.doctor),
        audit=NO_REQUEST,
        proposed=Availability(
            provider_id=cast.doctor.sub, rules=current.rules, version=current.version, notify_by_email=True
        ),
    )
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.patient.email)

    client.post(
        f"/patient/appointments/{appointment.appointment_id}/reschedule/",
        {"start": WEDNESDAY_TEN, "version": "1"},
    )

    [notice] = [m for m in mail_to(local_stack, cast.doctor.email) if "moved" in m["subject"]]
    text = notice["body"]
    assert (
        "Was: Tuesday 3 March 2026 at 9:00 AM" in text and "Now: Wednesday 4 March 2026 at 10:00 AM" in text
    )
    assert "Jordan" not in text and "cough" not in text


def test_cancelling_asks_first_and_keeps_the_optional_reason(client, doctor_hours, local_stack):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.patient.email)
    detail = client.get(f"/patient/appointments/{appointment.appointment_id}/").content.decode()
    assert f'href="/patient/appointments/{appointment.appointment_id}/cancel/"' in detail

    asked = client.get(f"/patient/appointments/{appointment.appointment_id}/cancel/")

    assert asked.status_code == 200 and "Yes, cancel it" in asked.content.decode()
    assert repository.get(appointment.appointment_id).is_booked
    too_long = client.post(
        f"/patient/appointments/{appointment.appointment_id}/cancel/", {"reason": "x" * 201}
    )
    assert too_long.status_code == 200 and "200 characters or fewer" in too_long.content.decode()
    assert repository.get(appointment.appointment_id).is_booked

    client.post(f"/patient/appointments/{appointment.appointment_id}/cancel/", {"reason": "Feeling better"})

    cancelled = repository.get(appointment.appointment_id)
    assert (cancelled.status, cancelled.cancel_reason, cancelled.sequence) == (CANCELLED, "Feeling better", 1)
    assert locks() == {}
    assert "Feeling better" not in _text(local_stack, cast.patient.email, "cancelled")


def test_a_cancelled_visit_leaves_upcoming_for_the_cancelled_list(client, doctor_hours):
    cast = doctor_hours
    kept = book(cast.patient, cast.doctor).appointment
    dropped = book(cast.patient, cast.doctor, TUESDAY_NINE + timedelta(days=1)).appointment
    sign_in(client, cast.patient.email)
    client.post(f"/patient/appointments/{dropped.appointment_id}/cancel/")

    upcoming = client.get("/patient/appointments/").content.decode()
    cancelled = client.get("/patient/appointments/?when=cancelled").content.decode()

    assert kept.appointment_id in upcoming and dropped.appointment_id not in upcoming
    assert dropped.appointment_id in cancelled and kept.appointment_id not in cancelled


def test_the_reschedule_page_is_the_booking_grid_without_the_current_time(client, doctor_hours):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.patient.email)

    page = client.get(f"/patient/appointments/{appointment.appointment_id}/reschedule/").content.decode()

    assert 'href="?start=2026-03-03T14:30:00Z"' in page
    assert "?start=2026-03-03T14:00:00Z" not in page
    week = free_week_get(provider_id=cast.doctor.sub, week=0, ignoring=appointment)
    assert TUESDAY_NINE not in [slot.start for day in week.days for slot in day.slots]
    confirm = client.get(
        f"/patient/appointments/{appointment.appointment_id}/reschedule/", {"start": WEDNESDAY_TEN}
    ).content.decode()
    assert "Move it to this time?" in confirm and f'value="{WEDNESDAY_TEN}"' in confirm
    assert repository.get(appointment.appointment_id).start == TUESDAY_NINE


def test_a_time_inside_the_change_cut_off_warns_before_it_is_confirmed(client, doctor_hours, clinic_clock):
    cast = doctor_hours
    clinic_clock.moment = TUESDAY_NINE - timedelta(hours=3)
    sign_in(client, cast.patient.email)

    soon = client.get(
        "/patient/appointments/book/confirm/", {"doctor": cast.doctor.sub, "start": "2026-03-03T14:00:00Z"}
    ).content.decode()
    later = client.get(
        "/patient/appointments/book/confirm/", {"doctor": cast.doctor.sub, "start": WEDNESDAY_TEN}
    ).content.decode()

    assert "This time starts within 24 hours" in soon and "(555) 010-0100" in soon
    assert "This time starts within 24 hours" not in later
