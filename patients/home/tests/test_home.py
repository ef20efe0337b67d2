"""The home pages: the patient's shows what is next (appointments in clinic
time, with Reschedule and Cancel), what is new (unread messages, results
not yet opened) and what to do, each block with an empty state; the
doctor's shows today's appointments, unread messages from patients and
results to review. Four round trips each, whatever they hold."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from medisecure.clinic_time import clinic_datetime
from medisecure.identity.actors import NO_REQUEST
from patients.messages.tests.support import actor, start_thread
from patients.records import services as records_services
from tests.support import sign_in

pytestmark = pytest.mark.django_db

POTASSIUM = {
    "test_name": "Potassium",
    "loinc": "2823-3",
    "value": "7.1",
    "unit": "mmol/L",
    "range_low": "3.5",
    "range_high": "5.1",
    "critical_low": "2.5",
    "critical_high": "6.5",
    "collected": "2026-11-30",
}


def _signed_in(person) -> Client:
    client = Client()
    sign_in(client, person.email)
    return client


@pytest.fixture
def busy(cast):
    """A booked appointment, a message each way and a critical result."""
    from tests.form_registry import TARGETS  # noqa: F401  the registry imports its appointment part itself
    from tests.forms_appointments import book_for

    appointment = book_for(cast.patient, cast.doctor)
    sent = start_thread(cast)
    start_thread(cast, subject="Second question")
    from patients.messages import services as message_services

    message_services.message_reply(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        thread_id=sent.thread.thread_id,
        patient_id=cast.patient.sub,
        body="Come in on Tuesday.",
    )
    records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="result",
        values=POTASSIUM,
    )
    return appointment


def test_the_patients_home_shows_what_is_next_and_what_is_new(cast, busy):
    page = _signed_in(cast.patient).get("/patient/").content.decode()

    assert clinic_datetime(busy.start) in page
    assert f"/patient/appointments/{busy.appointment_id}/reschedule/" in page
    assert f"/patient/appointments/{busy.appointment_id}/" in page
    assert "You have 1 unread message." in page
    assert "Potassium" in page and "Far outside the usual range" in page
    assert "Check your details before your visit" in page
    assert "/patient/appointments/book/" in page
    assert re.search(r"\d{4}-\d{2}-\d{2}T\d{2}", page) is None and "UTC" not in page


def test_the_patients_home_says_what_to_do_when_there_is_nothing_yet(cast):
    page = _signed_in(cast.patient).get("/patient/").content.decode()

    assert "You have no upcoming appointments" in page
    assert "No new messages" in page
    assert "No new results" in page
    assert "Book an appointment" in page


def test_the_doctors_home_shows_unread_messages_and_results_to_review(cast, busy):
    page = _signed_in(cast.doctor).get("/doctor/").content.decode()

    assert "1 unread conversation." in page and "/doctor/messages/" in page
    assert "Potassium" in page and "Critical" in page
    assert f"/doctor/patients/{cast.patient.sub}/entries/" in page


def test_the_doctors_home_says_what_to_do_when_there_is_nothing_yet(cast):
    page = _signed_in(cast.doctor).get("/doctor/").content.decode()

    assert "No unread messages" in page and "No results are waiting for your review" in page


def test_each_home_costs_four_round_trips_however_much_it_shows(cast, busy, dynamodb_calls):
    patient, doctor = _signed_in(cast.patient), _signed_in(cast.doctor)
    dynamodb_calls.clear()

    assert patient.get("/patient/").status_code == 200
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 2, "TransactWriteItems": 1}
    dynamodb_calls.clear()

    assert doctor.get("/doctor/").status_code == 200
    # the appointments, the doctor's hours with their unread counter, the
    # results to review, the audit event
    assert dynamodb_calls == {"Query": 2, "BatchGetItem": 1, "TransactWriteItems": 1}
