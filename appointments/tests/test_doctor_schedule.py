"""The doctor's home: today's schedule or a week of it, and the doctor's
changes made from it (completed, missed, cancelled with a reason)."""

from datetime import timedelta

import pytest

from appointments import repository
from appointments.domain import CANCELLED, COMPLETED, NO_SHOW
from appointments.tests.conftest import TUESDAY_NINE, book
from appointments.tests.support import locks, raw_mail_to
from audit import repository as audit_log
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def test_it_shows_todays_appointments_in_clinic_time_with_a_link_to_each_chart(
    client, doctor_hours, clinic_clock
):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor, reason="A persistent cough").appointment
    book(cast.other_patient, cast.doctor, TUESDAY_NINE + timedelta(days=1), reason="Wednesday visit")
    clinic_clock.moment = TUESDAY_NINE - timedelta(hours=2)  # Tuesday 07:00 in New York
    sign_in(client, cast.doctor.email)

    page = _html(client.get("/doctor/"))

    assert "Today, Tuesday 3 March 2026" in page
    assert "9:00 AM" in page and "A persistent cough" in page and "Booked" in page
    assert f'href="/doctor/patients/{first.patient_id}/"' in page
    assert "Wednesday visit" not in page
    assert 'href="/doctor/patients/"' in page and 'href="/doctor/availability/"' in page
    [event] = [
        e for e in audit_log.list_by("userId", cast.doctor.sub)[0] if e.action == "appointment.schedule"
    ]
    assert event.detail == {"patient_ids": [cast.patient.sub]}


def test_the_week_view_shows_monday_to_sunday_and_links_the_weeks_around_it(client, doctor_hours):
    cast = doctor_hours
    book(cast.patient, cast.doctor, reason="Tuesday visit")
    book(cast.other_patient, cast.doctor, TUESDAY_NINE + timedelta(days=1), reason="Wednesday visit")
    book(cast.other_patient, cast.other_doctor, TUESDAY_NINE + timedelta(hours=1), reason="Not this doctor")
    sign_in(client, cast.doctor.email)

    page = _html(client.get("/doctor/", {"view": "week", "start": "2026-03-04"}))

    assert "Week of Monday 2 March 2026 to Sunday 8 March 2026" in page
    assert "Tuesday visit" in page and "Wednesday visit" in page and "Not this doctor" not in page
    assert "?view=week&amp;start=2026-02-23" in page and "?view=week&amp;start=2026-03-09" in page


def test_an_unreadable_date_shows_today(client, doctor_hours):
    sign_in(client, doctor_hours.doctor.email)

    response = client.get("/doctor/", {"start": "0001-01-01", "view": "fortnight"})

    assert response.status_code == 200 and "Today, Monday 2 March 2026" in _html(response)


def test_a_doctor_cancels_with_a_reason_from_the_schedule_and_the_patient_is_emailed(
    client, doctor_hours, local_stack
):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.doctor.email)

    response = client.post(
        f"/doctor/appointments/{appointment.appointment_id}/cancel/", {"reason": "I am unwell"}
    )

    assert response.status_code == 302 and response["Location"] == "/doctor/?start=2026-03-03"
    stored = repository.get(appointment.appointment_id)
    assert (stored.status, stored.cancel_reason) == (CANCELLED, "I am unwell")
    assert locks() == {}
    assert any(
        "I am unwell" in m.get_body(preferencelist=("plain",)).get_content()
        for m in raw_mail_to(local_stack, cast.patient.email)
    )
    page = _html(client.get(response["Location"]))
    assert "Cancelled" in page and "patient has been emailed" in page


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "Give the patient a reason for cancelling."),
        ("x" * 501, "Keep the reason to 500 characters or fewer."),
    ],
)
def test_it_refuses_a_cancel_without_a_usable_reason_with_a_field_error(
    client, doctor_hours, reason, message
):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.doctor.email)

    response = client.post(f"/doctor/appointments/{appointment.appointment_id}/cancel/", {"reason": reason})

    assert response.status_code == 200
    page = _html(response)
    assert (
        message in page
        and 'id="reason-error"' in page
        and 'aria-describedby="reason-hint reason-error"' in page
    )
    assert repository.get(appointment.appointment_id).is_booked


def test_a_doctor_marks_appointments_completed_and_missed_once_they_start(client, doctor_hours, clinic_clock):
    cast = doctor_hours
    first = book(cast.patient, cast.doctor).appointment
    second = book(cast.other_patient, cast.doctor, TUESDAY_NINE + timedelta(minutes=30)).appointment
    sign_in(client, cast.doctor.email)

    early = client.post(f"/doctor/appointments/{first.appointment_id}/complete/")
    assert early.status_code == 302 and repository.get(first.appointment_id).is_booked
    clinic_clock.moment = second.start + timedelta(minutes=5)
    assert "Mark completed" in _html(client.get("/doctor/"))
    client.post(f"/doctor/appointments/{first.appointment_id}/complete/")
    client.post(f"/doctor/appointments/{second.appointment_id}/no-show/")

    assert repository.get(first.appointment_id).status == COMPLETED
    assert repository.get(second.appointment_id).status == NO_SHOW
    page = _html(client.get("/doctor/"))
    assert "Completed" in page and "Missed" in page and "Mark completed" not in page


@pytest.mark.parametrize("action", ["complete", "no-show", "cancel"])
def test_another_doctor_gets_a_404_and_the_attempt_is_audited(client, doctor_hours, clinic_clock, action):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    clinic_clock.moment = appointment.start + timedelta(minutes=5)
    sign_in(client, cast.other_doctor.email)

    response = client.post(
        f"/doctor/appointments/{appointment.appointment_id}/{action}/", {"reason": "not mine"}
    )

    assert response.status_code == 404
    assert repository.get(appointment.appointment_id).is_booked
    events, _ = audit_log.list_by("userId", cast.other_doctor.sub)
    assert [(e.resource_id, e.outcome) for e in events][:1] == [(appointment.appointment_id, "denied")]


def test_the_actions_take_a_post_only(client, doctor_hours):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    sign_in(client, cast.doctor.email)

    for action in ("complete", "no-show", "cancel"):
        assert client.get(f"/doctor/appointments/{appointment.appointment_id}/{action}/").status_code == 405
    assert repository.get(appointment.appointment_id).is_booked
