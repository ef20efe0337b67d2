"""send_reminders emails each patient whose appointment starts within the
next 24 hours exactly once: however often it runs, with copies running at
once, and again only when SES refused it the first time."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from appointments import services
from appointments.reminders import reminders_send
from appointments.tests.conftest import TUESDAY_NINE, book, request_as
from appointments.tests.support import all_items
from audit import repository as audit_log
from clinicians.domain import SPECIALTIES
from medisecure.tables import APPOINTMENT_REMINDERS
from tests.faults import SimulatedCrash, at_send, json_error
from tests.support import in_parallel, sent_mail

pytestmark = pytest.mark.django_db

SUBJECT = "A reminder of your appointment"


def _reminders(local_stack) -> list[str]:
    """Who got a reminder, once per email."""
    return sorted(
        address
        for message in sent_mail(local_stack) if message["subject"].startswith(SUBJECT)
        for address in message["destinations"]["ToAddresses"]
    )


@pytest.fixture
def due(doctor_hours, clinic_clock):
    """Three hours after Monday noon UTC, the 24-hour window ends Tuesday
    15:00 UTC (10:00 in New York): the patient's 09:00 and the other
    patient's 09:30 are due; the patient's 11:00 is not, nor a cancelled one."""
    cast = doctor_hours
    cancelled = book(cast.other_patient, cast.other_doctor, TUESDAY_NINE).appointment
    services.appointment_cancel(request=request_as(cast.other_patient), appointment_id=cancelled.appointment_id)
    appointments = [
        book(cast.patient, cast.doctor, TUESDAY_NINE).appointment,
        book(cast.other_patient, cast.other_doctor, TUESDAY_NINE + timedelta(minutes=30)).appointment,
    ]
    book(cast.patient, cast.doctor, TUESDAY_NINE + timedelta(hours=2))
    clinic_clock.advance(hours=3)
    return appointments


def test_it_reminds_each_patient_due_within_the_window_once(doctor_hours, due, local_stack):
    cast = doctor_hours

    run = reminders_send()

    assert (run.due, run.sent, run.failed) == (2, 2, 0)
    assert _reminders(local_stack) == sorted([cast.patient.email, cast.other_patient.email])
    [message] = [m for m in sent_mail(local_stack) if m["subject"].startswith(SUBJECT) and cast.patient.email in m["destinations"]["ToAddresses"]]
    assert "Tuesday 3 March 2026 at 9:00 AM (EST)" in message["body"] and "cough" not in message["body"]
    events, _ = audit_log.list_by("action", "appointment.reminder")
    assert sorted((e.resource_id, e.user_id) for e in events) == sorted(
        (appointment.appointment_id, "system:send_reminders") for appointment in due
    )


def test_running_it_again_sends_nothing_new(doctor_hours, due, local_stack):
    reminders_send()

    again = reminders_send()

    assert (again.due, again.sent, again.skipped) == (2, 0, 2)
    assert len(_reminders(local_stack)) == 2


def test_two_copies_running_at_once_send_each_reminder_once(doctor_hours, due, local_stack):
    runs = in_parallel(reminders_send, count=4)

    assert not [run for run in runs if isinstance(run, Exception)]
    assert sum(run.sent for run in runs) == 2
    assert _reminders(local_stack) == sorted([doctor_hours.patient.email, doctor_hours.other_patient.email])
    assert {item["status"] for item in all_items(APPOINTMENT_REMINDERS)} == {"sent"}


def test_a_reminder_ses_refuses_stays_unsent_and_the_next_run_sends_it(doctor_hours, due, local_stack):
    def refuse(request, operation):
        return json_error(request, status=500, code="InternalFailure", message="SES is down")

    with at_send("sesv2", refuse):
        refused = reminders_send()

    assert (refused.sent, refused.failed) == (0, 2)
    assert _reminders(local_stack) == [] and all_items(APPOINTMENT_REMINDERS) == []
    retried = reminders_send()
    assert (retried.sent, retried.failed) == (2, 0)
    assert len(_reminders(local_stack)) == 2


def test_a_claim_left_by_a_run_that_died_is_taken_over_once_stale(doctor_hours, due, local_stack, clinic_clock):
    def crash(request, operation):
        raise SimulatedCrash(operation)

    with at_send("sesv2", crash), pytest.raises(SimulatedCrash):
        reminders_send()

    assert reminders_send().sent == 1  # the other reminder; the one claimed by the dead run waits
    clinic_clock.advance(minutes=11)
    assert reminders_send().sent == 1
    assert len(_reminders(local_stack)) == 2


def test_a_run_reads_by_query_in_bounded_round_trips(doctor_hours, due, dynamodb_calls):
    dynamodb_calls.clear()

    reminders_send()

    # a Query per specialty lists the doctors, one per doctor finds their
    # appointments; one BatchGet each for the reminders and the patients;
    # then a claim and a recording per reminder. No Scan.
    assert dynamodb_calls == {
        "Query": len(SPECIALTIES) + 2, "BatchGetItem": 2, "PutItem": 2, "TransactWriteItems": 2,
    }


def test_the_command_reports_what_it_did(doctor_hours, due):
    out = StringIO()

    call_command("send_reminders", stdout=out)

    assert "2 appointments due a reminder: 2 sent now" in out.getvalue()
