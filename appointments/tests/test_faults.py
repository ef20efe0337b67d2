"""Failures between the steps of booking, rescheduling and cancelling,
injected at botocore's send boundary: nothing is left half-made, and doing
the same thing again finishes it exactly once."""

from datetime import timedelta

import pytest

from appointments import repository
from appointments.booking.services import appointment_cancel, appointment_reschedule
from appointments.domain import new_booking_id
from appointments.tests.conftest import TUESDAY_NINE, as_actor, book
from appointments.tests.support import appointments, locks, raw_mail_to
from medisecure.identity.actors import NO_REQUEST
from patients.care_team.selectors import care_team_member_get
from tests.faults import SimulatedCrash, at_send

pytestmark = pytest.mark.django_db


def crash_at(operation_name):
    def handler(request, operation):
        if operation == operation_name:
            raise SimulatedCrash(operation)
        return None

    return handler


def test_a_booking_cut_off_at_its_transaction_leaves_nothing_and_a_retry_books_once(doctor_hours):
    cast = doctor_hours
    booking_id = new_booking_id()

    with at_send("dynamodb", crash_at("TransactWriteItems")), pytest.raises(SimulatedCrash):
        book(cast.other_patient, cast.doctor, booking_id=booking_id)

    assert appointments() == [] and locks() == {}
    assert care_team_member_get(patient_id=cast.other_patient.sub, provider_id=cast.doctor.sub) is None

    book(cast.other_patient, cast.doctor, booking_id=booking_id)

    [appointment] = appointments()
    assert appointment.appointment_id == booking_id
    assert sorted(locks()) == sorted(appointment.lock_ids)
    assert care_team_member_get(patient_id=cast.other_patient.sub, provider_id=cast.doctor.sub) is not None


def test_a_booking_cut_off_before_its_email_stands_and_a_retry_emails_without_booking_again(
    doctor_hours, local_stack
):
    cast = doctor_hours
    booking_id = new_booking_id()

    with at_send("sesv2", crash_at("SendEmail")), pytest.raises(SimulatedCrash):
        book(cast.other_patient, cast.doctor, booking_id=booking_id)

    [made] = appointments()
    assert sorted(locks()) == sorted(made.lock_ids)
    assert raw_mail_to(local_stack, cast.other_patient.email) == []

    again = book(cast.other_patient, cast.doctor, booking_id=booking_id)

    assert again.emailed and again.appointment == made
    assert appointments() == [made]
    assert len(raw_mail_to(local_stack, cast.other_patient.email)) == 1


def _move(cast, appointment, start):
    return appointment_reschedule(
        actor=as_actor(cast.patient),
        audit=NO_REQUEST,
        appointment_id=appointment.appointment_id,
        start=start,
        expected_version=appointment.version,
    )


def test_a_reschedule_cut_off_at_its_transaction_changes_nothing_and_a_retry_moves_once(doctor_hours):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    target = TUESDAY_NINE + timedelta(days=1)

    with at_send("dynamodb", crash_at("TransactWriteItems")), pytest.raises(SimulatedCrash):
        _move(cast, appointment, target)

    assert repository.get(appointment.appointment_id) == appointment
    assert sorted(locks()) == sorted(appointment.lock_ids)

    moved = _move(cast, appointment, target).appointment

    assert repository.get(appointment.appointment_id) == moved and moved.start == target
    assert sorted(locks()) == sorted(moved.lock_ids)


def test_a_reschedule_cut_off_before_its_email_stands_and_a_retry_changes_nothing_more(doctor_hours):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment
    target = TUESDAY_NINE + timedelta(days=1)

    with at_send("sesv2", crash_at("SendEmail")), pytest.raises(SimulatedCrash):
        _move(cast, appointment, target)

    moved = repository.get(appointment.appointment_id)
    assert moved.start == target and moved.version == 2

    again = _move(cast, appointment, target)

    assert again.already_done
    assert repository.get(appointment.appointment_id) == moved
    assert sorted(locks()) == sorted(moved.lock_ids)


def test_a_cancel_cut_off_at_its_transaction_keeps_the_booking_and_a_retry_cancels_once(doctor_hours):
    cast = doctor_hours
    appointment = book(cast.patient, cast.doctor).appointment

    def cancel():
        return appointment_cancel(
            actor=as_actor(cast.patient), audit=NO_REQUEST, appointment_id=appointment.appointment_id
        )

    with at_send("dynamodb", crash_at("TransactWriteItems")), pytest.raises(SimulatedCrash):
        cancel()

    assert repository.get(appointment.appointment_id).is_booked
    assert len(locks()) == 12

    assert not cancel().already_done
    assert cancel().already_done
    assert locks() == {}
