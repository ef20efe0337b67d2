"""The front desk runs a day: finds a caller by name and date of birth,
books, moves and cancels for them (the patient is emailed, the audit names
both), marks arrivals and no-shows, sees every doctor's day; and never
opens a chart, a document or a message."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from appointments import repository
from appointments.domain import ARRIVED, CANCELLED, NO_SHOW
from appointments.tests.conftest import TUESDAY_NINE, book
from appointments.tests.support import raw_mail_to
from audit import repository as audit_log
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, doctor_hours):
    sign_in(client, doctor_hours.frontdesk.email)
    return doctor_hours


def test_it_finds_a_caller_by_name_and_date_of_birth_in_two_round_trips(client, desk, dynamodb_calls):
    dynamodb_calls.clear()

    page = client.get(
        "/frontdesk/patients/",
        {"given_name": "jordan", "family_name": "EXAMPLE", "date_of_birth": "1985-04-12"},
    ).content.decode()

    assert (
        sum(dynamodb_calls.values()) <= 2
        and dynamodb_calls.get("Query") == 1
        and "Scan" not in dynamodb_calls
    )
    assert f'href="/frontdesk/patients/{desk.patient.sub}/book/"' in page
    wrong = client.get(
        "/frontdesk/patients/",
        {"given_name": "Jordan", "family_name": "Example", "date_of_birth": "1985-04-13"},
    ).content.decode()
    assert desk.patient.sub not in wrong


def test_it_books_for_a_caller_who_is_emailed_and_the_audit_names_both(client, desk, local_stack):
    path = f"/frontdesk/patients/{desk.other_patient.sub}/book/"
    offered = client.get(path, {"specialty": "Family medicine", "doctor": desk.doctor.sub}).content.decode()
    assert "start=2026-03-03T14:00:00Z" in offered

    response = client.post(
        path + "confirm/",
        {
            "doctor": desk.doctor.sub,
            "start": "2026-03-03T14:00:00Z",
            "reason": "Phoned in",
            "booking_id": "c" * 32,
        },
    )

    assert response.status_code == 302
    stored = repository.get("c" * 32)
    assert stored.patient_id == desk.other_patient.sub and stored.is_booked
    [message] = raw_mail_to(local_stack, desk.other_patient.email)
    assert "is booked" in message["Subject"]
    events, _ = audit_log.list_by("patientId", desk.other_patient.sub)
    [event] = [e for e in events if e.action == "appointment.book"]
    assert (event.user_id, event.patient_id) == (desk.frontdesk.sub, desk.other_patient.sub)


def test_it_moves_and_cancels_for_a_caller_inside_the_patients_cut_off(
    client, desk, clinic_clock, local_stack
):
    appointment = book(desk.patient, desk.doctor).appointment
    clinic_clock.moment = TUESDAY_NINE - timedelta(hours=3)  # the patient could no longer change it online

    moved = client.post(
        f"/frontdesk/appointments/{appointment.appointment_id}/move/",
        {"start": "2026-03-03T14:30:00Z", "version": "1"},
    )
    assert moved.status_code == 302 and repository.get(
        appointment.appointment_id
    ).start == TUESDAY_NINE + timedelta(minutes=30)
    client.post(f"/frontdesk/appointments/{appointment.appointment_id}/cancel/", {"reason": "Called in sick"})

    assert repository.get(appointment.appointment_id).status == CANCELLED
    calendars = [
        Calendar.from_ical(part.get_content())
        for message in raw_mail_to(local_stack, desk.patient.email)
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    assert [str(calendar["METHOD"]) for calendar in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    events, _ = audit_log.list_by("userId", desk.frontdesk.sub)
    assert {"appointment.reschedule", "appointment.cancel"} <= {
        e.action for e in events if e.outcome == "allowed"
    }


def test_it_marks_arrived_and_no_show_and_sees_every_doctors_day_in_three_round_trips(
    client, desk, clinic_clock, dynamodb_calls
):
    first = book(desk.patient, desk.doctor).appointment
    second = book(desk.other_patient, desk.other_doctor, TUESDAY_NINE + timedelta(minutes=30)).appointment
    clinic_clock.moment = TUESDAY_NINE - timedelta(minutes=10)
    dynamodb_calls.clear()

    day = client.get("/frontdesk/").content.decode()

    assert sum(dynamodb_calls.values()) <= 3
    assert "Dr Casey Sample" in day and desk.other_doctor.sub not in day
    assert first.appointment_id in day and second.appointment_id in day
    assert "A persistent cough" not in day  # the reason for the visit is not the desk's to read
    client.post(f"/frontdesk/appointments/{first.appointment_id}/arrived/")
    assert repository.get(first.appointment_id).status == ARRIVED
    assert client.post(f"/frontdesk/appointments/{second.appointment_id}/no-show/").status_code == 302
    assert repository.get(second.appointment_id).is_booked  # not started yet: refused
    clinic_clock.moment = TUESDAY_NINE + timedelta(minutes=35)
    client.post(f"/frontdesk/appointments/{second.appointment_id}/no-show/")
    assert repository.get(second.appointment_id).status == NO_SHOW
    events, _ = audit_log.list_by("userId", desk.frontdesk.sub)
    assert {"appointment.arrived", "appointment.no_show"} <= {e.action for e in events}


def test_it_is_refused_every_chart_document_and_message_page(client, desk):
    for path in (
        f"/doctor/patients/{desk.patient.sub}/",
        "/doctor/patients/",
        "/patient/documents/",
        "/patient/records/",
        f"/doctor/patients/{desk.patient.sub}/documents/",
        "/patient/appointments/",
        "/doctor/",
    ):
        assert client.get(path).status_code == 403, path
