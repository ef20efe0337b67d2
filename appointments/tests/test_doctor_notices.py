"""Doctors opt in to an email when a patient books, moves or cancels with
them: the email gives the time and nothing about the patient, and failing to
send it never undoes the booking."""

import pytest

from appointments import doctor_notices, services
from appointments.tests.conftest import TUESDAY_NINE, book, request_as
from appointments.tests.support import booked
from audit import repository as audit_log
from clinicians import repository as providers
from tests.faults import at_send, json_error
from tests.support import mail_to, sign_in

pytestmark = pytest.mark.django_db

PAGE = "/doctor/notifications/"
# What the other patient's booking must never reveal to the doctor by email.
PATIENT_DETAILS = ("Riley", "Other", "other.patient@", "cough")


def _opt_in(person):
    doctor_notices.booking_notices_update(request=request_as(person), notify=True, was=False)


def _notices(local_stack, doctor):
    return mail_to(local_stack, doctor.email)


def test_a_doctor_opts_in_on_their_own_page(client, doctor_hours):
    cast = doctor_hours
    sign_in(client, cast.doctor.email)
    assert 'checked' not in str(client.get(PAGE).context["form"]["notify"])

    response = client.post(PAGE, {"notify": "on", "was": "0"})

    assert response.status_code == 302
    assert providers.get(cast.doctor.sub).notify_on_bookings
    assert 'checked' in str(client.get(PAGE).context["form"]["notify"])
    events, _ = audit_log.list_by("userId", cast.doctor.sub)
    assert ("provider.booking_notices.update", "allowed", cast.doctor.sub) in [
        (e.action, e.outcome, e.resource_id) for e in events
    ]


def test_a_change_made_elsewhere_is_not_overwritten(client, doctor_hours):
    cast = doctor_hours
    sign_in(client, cast.doctor.email)
    _opt_in(cast.doctor)

    response = client.post(PAGE, {"was": "0"})  # unticked, from a page that showed it off

    assert response.status_code == 200 and "changed in another window" in response.content.decode()
    assert providers.get(cast.doctor.sub).notify_on_bookings


def test_an_opted_in_doctor_is_emailed_the_time_of_a_booking_and_nothing_about_the_patient(doctor_hours, local_stack):
    cast = doctor_hours
    _opt_in(cast.doctor)

    book(cast.other_patient, cast.doctor)

    [notice] = _notices(local_stack, cast.doctor)
    assert notice["subject"] == "A patient booked 09:00 on 3 Mar"
    assert "Tuesday 3 March 2026 at 9:00 AM (EST)" in notice["body"] and "/doctor/" in notice["body"]
    assert not any(detail in str(notice) for detail in PATIENT_DETAILS)


def test_an_opted_in_doctor_is_emailed_when_a_patient_moves_or_cancels(doctor_hours, local_stack):
    cast = doctor_hours
    _opt_in(cast.doctor)
    appointment = book(cast.other_patient, cast.doctor).appointment
    patient = request_as(cast.other_patient)

    moved = services.appointment_reschedule(
        request=patient, appointment_id=appointment.appointment_id, start=TUESDAY_NINE.replace(hour=15),
        expected_version=appointment.version,
    ).appointment
    services.appointment_cancel(request=patient, appointment_id=moved.appointment_id)

    subjects = [notice["subject"] for notice in _notices(local_stack, cast.doctor)]
    assert subjects == [
        "A patient booked 09:00 on 3 Mar", "A patient moved an appointment to 10:00 on 3 Mar",
        "A patient cancelled 10:00 on 3 Mar",
    ]


def test_a_doctor_who_has_not_opted_in_gets_no_email(doctor_hours, local_stack):
    cast = doctor_hours

    appointment = book(cast.other_patient, cast.doctor).appointment
    services.appointment_cancel(request=request_as(cast.other_patient), appointment_id=appointment.appointment_id)

    assert _notices(local_stack, cast.doctor) == []


def test_a_notice_that_cannot_be_sent_leaves_the_booking_and_the_patients_email(doctor_hours, local_stack):
    cast = doctor_hours
    _opt_in(cast.doctor)

    def refuse_the_doctors(request, operation):
        if cast.doctor.email.encode() in (request.body or b""):
            return json_error(request, status=500, code="InternalFailure", message="SES is down")
        return None

    with at_send("sesv2", refuse_the_doctors):
        result = book(cast.other_patient, cast.doctor)

    assert result.emailed and [a.appointment_id for a in booked()] == [result.appointment.appointment_id]
    assert _notices(local_stack, cast.doctor) == []


def test_an_admins_overbooking_is_notified_too(doctor_hours, local_stack):
    from appointments import overbook_services
    from appointments.domain import new_booking_id

    cast = doctor_hours
    _opt_in(cast.doctor)

    overbook_services.appointment_overbook(
        request=request_as(cast.admin), provider_email=cast.doctor.email, patient_email=cast.other_patient.email,
        start=TUESDAY_NINE, visit_reason="", overbook_reason="Urgent", appointment_id=new_booking_id(),
    )

    assert [notice["subject"] for notice in _notices(local_stack, cast.doctor)] == ["A patient booked 09:00 on 3 Mar"]
