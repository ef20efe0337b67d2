"""A doctor's booking email that cannot go out (SES refuses it, or the
doctor's setting cannot be read) never undoes the booking or cancellation
it is about, nor turns it into an error."""

import pytest

from appointments.booking.services import appointment_cancel
from appointments.domain import CANCELLED
from appointments.tests.conftest import as_actor, book, set_hours, weekday_mornings
from appointments.tests.support import booked
from medisecure.identity.actors import NO_REQUEST
from tests.faults import at_send, json_error
from tests.support import mail_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor_wants_notices(doctor_hours):
    set_hours(doctor_hours.doctor, *weekday_mornings(), notify_by_email=True)
    return doctor_hours


def test_a_doctor_notice_ses_refuses_leaves_the_booking_and_the_patients_email(
    doctor_wants_notices, local_stack
):
    cast = doctor_wants_notices

    def refuse_the_doctors(request, operation):
        if cast.doctor.email.encode() in (request.body or b""):
            return json_error(request, status=500, code="InternalFailure", message="SES is down")
        return None

    with at_send("sesv2", refuse_the_doctors):
        result = book(cast.other_patient, cast.doctor)

    assert result.emailed and [a.appointment_id for a in booked()] == [result.appointment.appointment_id]
    assert mail_to(local_stack, cast.doctor.email) == []


def test_a_cancel_stands_when_the_doctors_setting_cannot_be_read_afterwards(
    doctor_wants_notices, local_stack
):
    cast = doctor_wants_notices
    appointment = book(cast.other_patient, cast.doctor).appointment
    batch_reads = []

    def refuse_the_notice_read(request, operation):
        # The cancel reads the appointment in one batch; the notice's read is the second.
        if operation == "BatchGetItem":
            batch_reads.append(operation)
            if len(batch_reads) >= 2:  # every retry too
                return json_error(request, status=500, code="InternalServerError", message="DynamoDB is down")
        return None

    with at_send("dynamodb", refuse_the_notice_read):
        changed = appointment_cancel(
            actor=as_actor(cast.other_patient), audit=NO_REQUEST, appointment_id=appointment.appointment_id
        )

    assert changed.appointment.status == CANCELLED and booked() == []
    assert [
        m["subject"] for m in mail_to(local_stack, cast.doctor.email) if "cancelled" in m["subject"]
    ] == []
