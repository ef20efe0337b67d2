"""The appointment pages as people use them: a doctor's availability form,
booking, the patient's list, cancelling, moving, and what happens when the
email cannot be sent."""

import html
import re
from datetime import timedelta

import pytest

from appointments import repository
from appointments.availability.selectors import availability_get
from appointments.booking.selectors import free_week_get
from appointments.domain import CANCELLED, new_booking_id
from appointments.tests.conftest import TUESDAY_NINE, book
from appointments.tests.support import appointments, locks, raw_mail_to
from audit import repository as audit_log
from tests.faults import at_send, json_error
from tests.support import mail_to, sign_in

pytestmark = pytest.mark.django_db


def _availability_post(**rows) -> dict:
    values = {"version": "0", "action": "save"}
    for prefix in ("days_off", "extra_hours"):
        values.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"})
    values.update(rows)
    return values


MONDAY_MORNING = {
    "day0-works": "on",
    "day0-start": "09:00",
    "day0-end": "12:00",
    "day0-slot_minutes": "20",
    "day0-breaks": "10:00-10:20",
}


def test_a_doctor_saves_weekly_hours_days_off_and_extra_hours(client, cast, clinic_clock):
    sign_in(client, cast.doctor.email)

    response = client.post(
        "/doctor/availability/",
        _availability_post(
            **MONDAY_MORNING,
            **{
                "days_off-0-day": "2026-03-09",
                "extra_hours-0-day": "2026-03-14",
                "extra_hours-0-start": "10:00",
                "extra_hours-0-end": "11:00",
                "extra_hours-0-slot_minutes": "30",
            },
        ),
    )

    assert response.status_code == 302
    saved = availability_get(provider_id=cast.doctor.sub)
    assert [(r.weekday, r.slot_minutes, len(r.breaks)) for r in saved.rules] == [(0, 20, 1)]
    assert [day.isoformat() for day in saved.days_off] == ["2026-03-09"]
    assert saved.version == 1
    page = client.get("/doctor/availability/").content.decode()
    assert 'value="10:00-10:20"' in page


@pytest.mark.parametrize(
    "rows, field, message",
    [
        ({"day0-end": "08:00"}, "day0-end", "The end time must be after the start time."),
        (
            {"day0-slot_minutes": "75"},
            "day0-slot_minutes",
            "Slots must be between 10 and 60 minutes long.",
        ),
        (
            {"day0-slot_minutes": "5"},
            "day0-slot_minutes",
            "Slots must be between 10 and 60 minutes long.",
        ),
        ({"day1-works": "on", "day1-end": "12:00"}, "day1-start", "Enter the time you start."),
        (
            {
                "extra_hours-0-day": "2026-03-09",
                "extra_hours-0-start": "11:00",
                "extra_hours-0-end": "13:00",
                "extra_hours-0-slot_minutes": "30",
            },
            "extra_hours-0-start",
            "These hours overlap other hours on that date.",
        ),
        ({"day0-breaks": "13:00-14:00"}, "day0-breaks", "Breaks must fall within the working hours."),
    ],
)
def test_it_ties_each_mistake_in_the_hours_to_its_field_and_saves_nothing(
    client, cast, clinic_clock, rows, field, message
):
    sign_in(client, cast.doctor.email)

    response = client.post("/doctor/availability/", _availability_post(**{**MONDAY_MORNING, **rows}))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and message in page
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', page)
    assert availability_get(provider_id=cast.doctor.sub).version == 0


def test_a_patient_books_through_the_pages_and_sees_it_listed(client, doctor_hours, local_stack):
    cast = doctor_hours
    sign_in(client, cast.other_patient.email)

    choices = client.get(
        "/patient/appointments/book/", {"specialty": "Family medicine", "doctor": cast.doctor.sub}
    )
    assert "Dr Casey Sample" in choices.content.decode()
    slot_link = f"/patient/appointments/book/confirm/?doctor={cast.doctor.sub}&amp;start=2026-03-03T14:00:00Z"
    assert slot_link.replace("&amp;", "&").split("&")[0] in choices.content.decode()
    confirm = client.get(
        "/patient/appointments/book/confirm/", {"doctor": cast.doctor.sub, "start": "2026-03-03T14:00:00Z"}
    )
    assert "Tue 3 Mar 2026, 9:00 AM" in confirm.content.decode()
    booking_id = new_booking_id()

    response = client.post(
        "/patient/appointments/book/confirm/",
        {
            "doctor": cast.doctor.sub,
            "start": "2026-03-03T14:00:00Z",
            "reason": "Knee <b>pain</b>",
            "booking_id": booking_id,
        },
    )

    assert response["Location"] == f"/patient/appointments/{booking_id}/"
    detail = client.get(response["Location"]).content.decode()
    assert "We have emailed you the confirmation" in detail
    assert "Knee &lt;b&gt;pain&lt;/b&gt;" in detail
    listed = client.get("/patient/appointments/").content.decode()
    assert "Dr Casey Sample" in listed and booking_id in listed
    assert len(raw_mail_to(local_stack, cast.other_patient.email)) == 1


@pytest.mark.parametrize(
    "start, reason, message",
    [
        ("2026-03-03T14:10:00Z", "Checkup", "Appointments with this doctor start at set times."),
        ("2026-03-02T14:00:00Z", "Checkup", "already passed"),
        ("2026-03-03T20:00:00Z", "Checkup", "The doctor is not seeing patients at that time."),
        ("2026-03-03T14:00:00Z", "x" * 501, "Keep the reason to 500 characters or fewer."),
        ("tomorrow", "Checkup", "That is not a time we offer."),
    ],
)
def test_it_refuses_a_bad_booking_with_a_message_and_books_nothing(
    client, doctor_hours, clinic_clock, start, reason, message
):
    cast = doctor_hours
    clinic_clock.moment = TUESDAY_NINE - timedelta(hours=1)
    sign_in(client, cast.patient.email)

    response = client.post(
        "/patient/appointments/book/confirm/",
        {
            "doctor": cast.doctor.sub,
            "start": start,
            "reason": reason,
            "booking_id": new_booking_id(),
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert appointments() == []


def test_the_loser_of_a_race_sees_the_nearest_free_times_not_an_error(client, doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    sign_in(client, cast.other_patient.email)

    response = client.post(
        "/patient/appointments/book/confirm/",
        {
            "doctor": cast.doctor.sub,
            "start": "2026-03-03T14:00:00Z",
            "reason": "Checkup",
            "booking_id": new_booking_id(),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "That time was just taken" in page
    assert 'value="2026-03-03T14:30:00Z"' in page


def test_the_appointment_list_costs_two_round_trips(client, doctor_hours, dynamodb_calls):
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    sign_in(client, cast.patient.email)
    dynamodb_calls.clear()

    response = client.get("/patient/appointments/")

    assert response.status_code == 200
    # one Query of PatientAppointmentsIndex, and the audit append
    assert dynamodb_calls == {"Query": 1, "TransactWriteItems": 1}
    assert "Dr Casey Sample" in response.content.decode()


def test_past_appointments_are_listed_apart_from_upcoming_ones(client, doctor_hours, clinic_clock):
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    clinic_clock.advance(days=2)
    sign_in(client, cast.patient.email)

    upcoming = client.get("/patient/appointments/").content.decode()
    past = client.get("/patient/appointments/?when=past").content.decode()

    assert "No upcoming appointments." in upcoming
    assert "Dr Casey Sample" in past


def test_a_patient_cannot_see_or_cancel_someone_elses_appointment(client, doctor_hours):
    cast = doctor_hours
    theirs = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.other_patient.email)

    assert client.get(f"/patient/appointments/{theirs.appointment_id}/").status_code == 404
    assert client.post(f"/patient/appointments/{theirs.appointment_id}/cancel/").status_code == 404
    assert client.get(f"/patient/appointments/{theirs.appointment_id}/reschedule/").status_code == 404

    assert repository.get(theirs.appointment_id).is_booked
    events, _ = audit_log.list_by("userId", cast.other_patient.sub)
    denials = [(e.action, e.outcome, e.resource_id) for e in events if e.outcome == "denied"]
    assert sorted(denials) == sorted(
        [
            ("appointment.read", "denied", theirs.appointment_id),
            ("appointment.cancel", "denied", theirs.appointment_id),
            ("appointment.read", "denied", theirs.appointment_id),
        ]
    )
    # Refusals name the appointment's own patient, so they appear on that
    # patient's "who has looked at my record" page.
    assert all(e.patient_id == theirs.patient_id for e in events if e.outcome == "denied")


def test_cancelling_frees_the_slot_and_emails_the_patient(client, doctor_hours, local_stack):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.patient.email)

    response = client.post(f"/patient/appointments/{appointment.appointment_id}/cancel/")

    assert response.status_code == 302
    assert repository.get(appointment.appointment_id).status == CANCELLED
    assert locks() == {}
    assert any("cancelled" in message["Subject"] for message in raw_mail_to(local_stack, cast.patient.email))
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    assert "appointment.cancel" in [e.action for e in events]
    offered = client.get(
        "/patient/appointments/book/", {"specialty": "Family medicine", "doctor": cast.doctor.sub}
    )
    assert "start=2026-03-03T14:00:00Z" in offered.content.decode()


def test_it_refuses_to_cancel_within_the_cut_off(client, doctor_hours, clinic_clock):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    clinic_clock.moment = appointment.start - timedelta(hours=23)
    sign_in(client, cast.patient.email)

    response = client.post(f"/patient/appointments/{appointment.appointment_id}/cancel/", follow=True)

    assert "can no longer be changed online" in response.content.decode()
    assert repository.get(appointment.appointment_id).is_booked
    assert len(locks()) == 12


def test_moving_an_appointment_takes_the_new_time_and_frees_the_old(client, doctor_hours, local_stack):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.patient.email)
    new_start = "2026-03-04T15:00:00Z"
    choices = client.get(f"/patient/appointments/{appointment.appointment_id}/reschedule/").content.decode()
    assert f'href="?start={new_start}"' in choices

    response = client.post(
        f"/patient/appointments/{appointment.appointment_id}/reschedule/",
        {"start": new_start, "version": "1"},
    )

    assert response.status_code == 302
    moved = repository.get(appointment.appointment_id)
    assert moved.start.strftime("%Y-%m-%dT%H:%M:%SZ") == new_start and moved.version == 2
    assert sorted(locks()) == sorted(moved.lock_ids)
    assert not any("2026-03-03" in lock for lock in locks())
    assert len(raw_mail_to(local_stack, cast.patient.email)) == 2


def test_a_failed_email_leaves_the_booking_and_it_can_be_sent_again(client, doctor_hours, local_stack):
    cast = doctor_hours
    sign_in(client, cast.other_patient.email)
    booking_id = new_booking_id()
    values = {
        "doctor": cast.doctor.sub,
        "start": "2026-03-03T14:00:00Z",
        "reason": "Checkup",
        "booking_id": booking_id,
    }

    def refuse(request, operation):
        return json_error(request, status=500, code="InternalFailure", message="SES is down")

    with at_send("sesv2", refuse):
        response = client.post("/patient/appointments/book/confirm/", values, follow=True)

    page = response.content.decode()
    assert (
        "We could not send the confirmation email" in page
        and "Your appointment is booked all the same" in page
    )
    assert "Send the confirmation again" in page
    assert len(appointments()) == 1
    assert raw_mail_to(local_stack, cast.other_patient.email) == []

    resent = client.post(f"/patient/appointments/{booking_id}/send-confirmation/", follow=True)

    assert "We have sent the confirmation email again." in resent.content.decode()
    assert len(raw_mail_to(local_stack, cast.other_patient.email)) == 1
    assert len(appointments()) == 1


def test_the_booking_page_shows_a_doctors_week_in_three_round_trips(client, doctor_hours, dynamodb_calls):
    """The fewest the page's parts allow: the clinic's choices (bookable
    specialties, visit types, locations: one Query on their partition), the
    doctor with their hours (one BatchGetItem) and that week's bookings (one
    Query on the doctor's index; lock items are per 5 minutes, too many for
    a batch read of a week). The specialty's list of doctors, a fourth round
    trip, is left for the page the "Choose another doctor" link opens."""
    cast = doctor_hours
    book(cast.patient, cast.doctor)
    sign_in(client, cast.other_patient.email)
    dynamodb_calls.clear()

    response = client.get(
        "/patient/appointments/book/", {"specialty": "Family medicine", "doctor": cast.doctor.sub}
    )

    assert response.status_code == 200
    assert dynamodb_calls == {"Query": 2, "BatchGetItem": 1}
    page = response.content.decode()
    assert "start=2026-03-03T14:30:00Z" in page and "start=2026-03-03T14:00:00Z" not in page
    assert "(chosen)" in page and "Choose another doctor" in page
    dynamodb_calls.clear()

    listing = client.get("/patient/appointments/book/", {"specialty": "Family medicine"})

    # the clinic's choices and the specialty's doctors
    assert dynamodb_calls == {"Query": 2}
    assert f"doctor={cast.doctor.sub}" in listing.content.decode()


def test_booking_from_the_page_costs_one_batch_read_and_one_transaction(client, doctor_hours, dynamodb_calls):
    """The doctor's hours, the doctor, the patient, the care-team link and
    the audit chain's head in one BatchGetItem; the appointment, its lock
    items, the link and the audit event in one TransactWriteItems."""
    cast = doctor_hours
    sign_in(client, cast.other_patient.email)
    values = {
        "doctor": cast.doctor.sub,
        "start": "2026-03-03T14:00:00Z",
        "reason": "Checkup",
        "booking_id": new_booking_id(),
    }
    dynamodb_calls.clear()

    response = client.post("/patient/appointments/book/confirm/", values)

    assert response.status_code == 302
    assert dynamodb_calls == {"BatchGetItem": 1, "TransactWriteItems": 1}
    assert len(appointments()) == 1


def test_a_row_marked_for_removal_is_removed_and_a_day_unticked_is_off(client, cast, clinic_clock):
    sign_in(client, cast.doctor.email)
    client.post(
        "/doctor/availability/", _availability_post(**MONDAY_MORNING, **{"days_off-0-day": "2026-03-09"})
    )

    response = client.post(
        "/doctor/availability/",
        {
            **_availability_post(**{**MONDAY_MORNING, "day0-works": ""}),
            "days_off-0-day": "2026-03-09",
            "days_off-0-DELETE": "on",
            "days_off-INITIAL_FORMS": "1",
            "version": "1",
        },
    )

    assert response.status_code == 302
    saved = availability_get(provider_id=cast.doctor.sub)
    assert (saved.rules, saved.days_off) == ((), ())


def test_hours_saved_meanwhile_in_another_tab_are_not_overwritten(client, cast, clinic_clock):
    sign_in(client, cast.doctor.email)
    client.post("/doctor/availability/", _availability_post(**MONDAY_MORNING))

    response = client.post(
        "/doctor/availability/", _availability_post(**{**MONDAY_MORNING, "day0-slot_minutes": "60"})
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "saved from another window or tab" in page
    assert re.search(r'name="day0-slot_minutes" value="20"', page)  # the hours saved now are shown
    assert [rule.slot_minutes for rule in availability_get(provider_id=cast.doctor.sub).rules] == [20]


def test_a_doctor_who_opts_in_is_emailed_of_bookings_and_cancellations_without_the_patients_details(
    client, doctor_hours, local_stack
):
    cast = doctor_hours
    sign_in(client, cast.doctor.email)
    current = availability_get(provider_id=cast.doctor.sub)
    wednesday = {
        "day2-works": "on",
        "day2-start": "09:00",
        "day2-end": "12:00",
        "day2-slot_minutes": "30",
    }
    form = _availability_post(**wednesday, notify_by_email="on")
    assert client.post("/doctor/availability/", {**form, "version": str(current.version)}).status_code == 302
    assert availability_get(provider_id=cast.doctor.sub).notify_by_email

    appointment = book(
        cast.patient, cast.doctor, TUESDAY_NINE + timedelta(days=1)
    ).appointment  # Wednesday 09:00
    client.logout()
    sign_in(client, cast.patient.email)
    client.post(f"/patient/appointments/{appointment.appointment_id}/cancel/")

    notices = mail_to(local_stack, cast.doctor.email)
    assert [message["subject"].split(":")[0] for message in notices] == [
        "An appointment was booked",
        "An appointment was cancelled",
    ]
    assert all("Jordan" not in message["body"] and "cough" not in message["body"] for message in notices)
    assert "Wednesday 4 March 2026 at 9:00 AM" in notices[0]["body"]


def test_a_doctor_who_has_not_opted_in_gets_no_notices(doctor_hours, local_stack):
    cast = doctor_hours

    book(cast.patient, cast.doctor)

    assert mail_to(local_stack, cast.doctor.email) == []


def _next_page_link(page: str) -> str:
    [link] = re.findall(r'href="(\?(?:when=past&amp;)?page=[^"]+)"', page)
    return "/patient/appointments/" + html.unescape(link)


def _listed(page: str) -> set[str]:
    return set(re.findall(r'href="/patient/appointments/([0-9a-f]{32})/"', page))


def test_the_next_page_of_a_patients_list_still_opens_minutes_later(client, doctor_hours, clinic_clock):
    cast = doctor_hours
    week = free_week_get(provider_id=cast.doctor.sub, week=1)
    starts = [slot.start for day in week.days for slot in day.slots][:21]
    made = {book(cast.patient, cast.doctor, start).appointment.appointment_id for start in starts}
    sign_in(client, cast.patient.email)

    for when in ("upcoming", "past"):
        if when == "past":
            clinic_clock.moment = starts[-1] + timedelta(days=1)
        first = client.get("/patient/appointments/", {"when": when}).content.decode()
        clinic_clock.advance(minutes=5)  # a page token names the list, not the moment it was read
        second = client.get(_next_page_link(first))

        assert second.status_code == 200
        assert len(_listed(first)) == 20 and _listed(first) | _listed(second.content.decode()) == made
