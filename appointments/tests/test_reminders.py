"""send_reminders: every patient with an appointment in the next 24 hours is
emailed once, however often it runs and even when two copies run at once."""

import threading
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from appointments.booking.services import appointment_cancel, appointment_reschedule
from appointments.reminders.services import appointment_reminders_send
from appointments.tests.conftest import TUESDAY_NINE, as_actor, book
from appointments.tests.support import raw_mail_to
from medisecure.identity.actors import NO_REQUEST, system_actor
from tests.faults import SimulatedCrash, at_send, json_error

pytestmark = pytest.mark.django_db


def reminders(local_stack, person):
    return [
        message
        for message in raw_mail_to(local_stack, person.email)
        if message["Subject"].startswith("Reminder")
    ]


def _run(*options) -> str:
    out = StringIO()
    call_command("send_reminders", *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_bookings_tomorrow(doctor_hours, clinic_clock):
    """The patient's appointment starts in 20 hours; the other patient's two
    days later."""
    cast = doctor_hours
    due = book(cast.patient, cast.doctor).appointment
    later = book(cast.other_patient, cast.doctor, TUESDAY_NINE + timedelta(days=2)).appointment
    clinic_clock.moment = TUESDAY_NINE - timedelta(hours=20)
    return SimpleNamespace(cast=cast, due=due, later=later)


def test_it_reminds_each_patient_due_once_however_often_it_runs(two_bookings_tomorrow, local_stack):
    cast = two_bookings_tomorrow.cast

    first = _run()
    second = _run()

    assert "Sent 1 reminders" in first and "Sent 0 reminders; 1 were already sent" in second
    [message] = reminders(local_stack, cast.patient)
    assert (
        "Tuesday 3 March 2026 at 9:00 AM (EST)" in message.get_body(preferencelist=("plain",)).get_content()
    )
    assert reminders(local_stack, cast.other_patient) == []


def test_two_copies_running_at_once_send_each_reminder_once(two_bookings_tomorrow, local_stack):
    cast = two_bookings_tomorrow.cast
    barrier = threading.Barrier(4)

    def run():
        barrier.wait()
        appointment_reminders_send(
            actor=system_actor("send_reminders"), audit=NO_REQUEST, within=timedelta(hours=24)
        )

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(reminders(local_stack, cast.patient)) == 1


def test_a_reminder_that_could_not_be_sent_is_tried_again_next_run(two_bookings_tomorrow, local_stack):
    cast = two_bookings_tomorrow.cast

    def refuse(request, operation):
        return json_error(request, status=500, code="InternalFailure", message="SES is down")

    with at_send("sesv2", refuse):
        assert "1 could not be sent" in _run()

    assert "Sent 1 reminders" in _run()
    assert len(reminders(local_stack, cast.patient)) == 1


def test_a_moved_appointment_is_reminded_of_its_new_time_and_a_cancelled_one_never(
    two_bookings_tomorrow, local_stack, clinic_clock
):
    cast = two_bookings_tomorrow.cast
    due, later = two_bookings_tomorrow.due, two_bookings_tomorrow.later
    _run()
    clinic_clock.moment = due.start - timedelta(days=2)
    appointment_reschedule(
        actor=as_actor(cast.patient),
        audit=NO_REQUEST,
        appointment_id=due.appointment_id,
        start=due.start + timedelta(days=1),
        expected_version=due.version,
    )
    appointment_cancel(
        actor=as_actor(cast.other_patient), audit=NO_REQUEST, appointment_id=later.appointment_id
    )
    clinic_clock.moment = due.start + timedelta(hours=1)

    _run("--within-hours", "48")  # both the new time and the cancelled one

    assert len(reminders(local_stack, cast.patient)) == 2
    assert reminders(local_stack, cast.other_patient) == []


def test_a_reminder_claimed_by_a_run_that_died_is_sent_once_its_claim_goes_stale(
    two_bookings_tomorrow, local_stack, clinic_clock
):
    cast = two_bookings_tomorrow.cast

    def die(request, operation):
        raise SimulatedCrash(operation)

    with at_send("sesv2", die), pytest.raises(SimulatedCrash):
        _run()

    assert "Sent 0 reminders; 1 were already sent" in _run()  # still claimed by the run that died
    clinic_clock.advance(minutes=11)
    assert "Sent 1 reminders" in _run()
    assert "Sent 0 reminders; 1 were already sent" in _run()
    assert len(reminders(local_stack, cast.patient)) == 1
