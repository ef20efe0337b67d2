"""A completed visit's summary: what it shows (the note's assessment, plan
and follow-up, the vitals, the medicines started and stopped), who may open
it (the patient, and the doctor of the visit while in the care team), what
each opening costs and how it is audited, and that it prints as a letter."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from audit import repository as audit_log
from medisecure import clock
from medisecure.identity.actors import NO_REQUEST
from patients.care_team.services import care_team_member_add, care_team_member_remove
from patients.records import services as records
from patients.tests.records_support import actor
from patients.visits.tests.support import completed_visit
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _events(person, action="visit_summary.read"):
    events, _ = audit_log.list_by("userId", person.sub, limit=100)
    return [event for event in events if event.action == action]


def test_the_patient_reads_the_note_vitals_medicines_and_follow_up_of_their_completed_visit(client, cast):
    visit = completed_visit(cast)
    sign_in(client, cast.patient.email)

    response = client.get(f"/patient/visits/{visit.appointment_id}/")

    page = _html(response)
    assert response.status_code == 200
    assert "<title>Visit summary · MediSecure</title>" in page
    assert "After-visit summary" in page and settings.CLINIC_NAME in page
    assert "High blood pressure" in page and "Start lisinopril and walk daily" in page
    assert "152/97" in page and "Heart rate" in page
    started, stopped = page.split("<h3>Started</h3>")[1].split("<h3>Stopped</h3>")
    assert "Lisinopril 10 mg Daily" in started and "Ibuprofen" not in started
    assert "Ibuprofen 400 mg When needed" in stopped
    assert "Come back in two weeks for a blood pressure check" in page
    # The subjective and objective parts are the doctor's working, not the take-home.
    assert "Headaches in the mornings" not in page
    [event] = _events(cast.patient)
    assert (event.outcome, event.resource_id, event.patient_id) == (
        "allowed",
        visit.appointment_id,
        cast.patient.sub,
    )
    assert set(event.detail) == {"entry_ids"} and len(event.detail["entry_ids"]) == 4
    assert all(re.fullmatch(r"[0-9T]+-[0-9a-f]{16}", entry_id) for entry_id in event.detail["entry_ids"])


def _note(assessment: str) -> dict:
    return {"assessment": assessment, "plan": "", "subjective": "", "objective": "", "follow_up": ""}


def test_entries_of_another_day_or_another_doctor_are_not_on_the_summary(client, cast):
    visit = completed_visit(cast, entries=False)
    care_team_member_add(
        actor=actor(cast.admin),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        doctor_email=cast.other_doctor.email,
    )
    for doctor, later, assessment in (
        (cast.doctor, timedelta(minutes=30), "Seen today"),
        (cast.other_doctor, timedelta(minutes=40), "Another doctor's visit"),
        (cast.doctor, timedelta(days=1), "The next day"),
    ):
        with clock.shifted_to(visit.start + later):
            records.chart_entry_add(
                actor=actor(doctor),
                audit=NO_REQUEST,
                patient_id=cast.patient.sub,
                kind="note",
                values=_note(assessment),
            )
    sign_in(client, cast.patient.email)

    page = _html(client.get(f"/patient/visits/{visit.appointment_id}/"))

    assert "Seen today" in page
    assert "The next day" not in page and "Another doctor" not in page
    assert "No vitals were taken at this visit." in page
    assert "No medicines were started or stopped at this visit." in page
    assert "No follow-up was written down for this visit." in page


def test_the_doctor_of_the_visit_opens_it_from_their_schedule(client, cast):
    visit = completed_visit(cast)
    sign_in(client, cast.doctor.email)

    schedule = _html(client.get("/doctor/", {"start": _clinic_day(visit)}))
    response = client.get(f"/doctor/visits/{visit.appointment_id}/")

    assert f'href="/doctor/visits/{visit.appointment_id}/"' in schedule
    assert response.status_code == 200
    assert "High blood pressure" in _html(response)
    assert f'href="/doctor/patients/{cast.patient.sub}/"' in _html(response)
    assert [event.outcome for event in _events(cast.doctor)] == ["allowed"]


def _clinic_day(visit) -> str:
    from medisecure.clinic_time import in_clinic

    return in_clinic(visit.start).date().isoformat()


def test_the_patient_finds_it_on_the_appointment_page_and_their_past_visits(client, cast):
    visit = completed_visit(cast)
    sign_in(client, cast.patient.email)
    link = f'href="/patient/visits/{visit.appointment_id}/"'

    with clock.shifted_to(visit.end + timedelta(hours=1)):
        past = _html(client.get("/patient/appointments/", {"when": "past"}))
    detail = _html(client.get(f"/patient/appointments/{visit.appointment_id}/"))

    assert link in past and link in detail


def test_a_booked_appointment_has_no_summary_and_no_link(client, cast):
    from tests.forms_appointments import book_for

    booked = book_for(cast.patient, cast.doctor)
    sign_in(client, cast.patient.email)

    detail = _html(client.get(f"/patient/appointments/{booked.appointment_id}/"))
    response = client.get(f"/patient/visits/{booked.appointment_id}/")

    assert "/patient/visits/" not in detail
    assert response.status_code == 404
    [event] = _events(cast.patient)
    assert (event.outcome, event.detail) == ("denied", {"reason": "not_completed"})


@pytest.mark.parametrize("who, path", [("other_patient", "patient"), ("other_doctor", "doctor")])
def test_another_patient_or_doctor_gets_a_404_and_the_attempt_is_audited(client, cast, who, path):
    visit = completed_visit(cast)
    person = getattr(cast, who)
    sign_in(client, person.email)

    response = client.get(f"/{path}/visits/{visit.appointment_id}/")

    assert response.status_code == 404
    assert "High blood pressure" not in _html(response)
    [event] = _events(person)
    assert (event.outcome, event.patient_id, event.detail) == (
        "denied",
        cast.patient.sub,
        {"reason": "not_found"},
    )


def test_the_doctor_loses_the_summary_with_the_care_team(client, cast):
    visit = completed_visit(cast)
    care_team_member_remove(
        actor=actor(cast.admin), audit=NO_REQUEST, patient_id=cast.patient.sub, provider_id=cast.doctor.sub
    )
    sign_in(client, cast.doctor.email)

    response = client.get(f"/doctor/visits/{visit.appointment_id}/")

    assert response.status_code == 404
    [event] = _events(cast.doctor)
    assert (event.outcome, event.detail) == ("denied", {"reason": "no_relationship"})


def test_the_front_desk_is_refused(client, cast):
    visit = completed_visit(cast)
    sign_in(client, cast.frontdesk.email)

    assert client.get(f"/patient/visits/{visit.appointment_id}/").status_code == 403
    assert client.get(f"/doctor/visits/{visit.appointment_id}/").status_code == 403


@pytest.mark.parametrize("who, path", [("patient", "patient"), ("doctor", "doctor")])
def test_a_summary_costs_four_round_trips(client, cast, dynamodb_calls, who, path):
    visit = completed_visit(cast)
    sign_in(client, getattr(cast, who).email)
    dynamodb_calls.clear()

    assert client.get(f"/{path}/visits/{visit.appointment_id}/").status_code == 200

    # the appointment with the audit head; the chart summary with the patient
    # (and the doctor's care-team link); the day's entries; the audit append
    assert dynamodb_calls == {"BatchGetItem": 2, "Query": 1, "TransactWriteItems": 1}


def test_it_prints_without_the_navigation_on_a4_and_letter(client, cast):
    visit = completed_visit(cast)
    sign_in(client, cast.patient.email)
    page = _html(client.get(f"/patient/visits/{visit.appointment_id}/"))
    css = (Path(settings.BASE_DIR) / "static/css/visits.css").read_text()

    assert 'href="/static/css/visits.css"' in page
    [printed] = re.findall(r"@media print \{(.*)\}\s*$", css, re.S)
    hidden = re.search(r"([^{}]+)\{ display: none !important; \}", printed).group(1)
    assert {".site-header", ".skip-link", ".site-footer", ".visit-summary-links"} <= {
        selector.strip() for selector in hidden.split(",")
    }
    # No paper size is forced (A4 and Letter both print it) and no width is fixed in it.
    assert not re.search(r"(?<![-\w])size:", printed) and not re.search(r"(?<![-\w])width: \d", printed)
    assert 'class="visit-summary-links"' in page and 'class="site-header"' in page


def test_the_visits_day_is_the_clinics_not_utcs(client, cast):
    from datetime import datetime, time

    from medisecure.clinic_time import in_clinic, zone

    visit = completed_visit(cast, entries=False)
    day = in_clinic(visit.start).date()
    # 11:30 PM in the clinic is the next day in UTC; 12:10 AM the day after is not the visit's.
    for moment, assessment in (
        (datetime.combine(day, time(23, 30), tzinfo=zone()), "Written that evening"),
        (datetime.combine(day + timedelta(days=1), time(0, 10), tzinfo=zone()), "Written after midnight"),
    ):
        with clock.shifted_to(moment):
            records.chart_entry_add(
                actor=actor(cast.doctor),
                audit=NO_REQUEST,
                patient_id=cast.patient.sub,
                kind="note",
                values=_note(assessment),
            )
    sign_in(client, cast.patient.email)

    page = _html(client.get(f"/patient/visits/{visit.appointment_id}/"))

    assert "Written that evening" in page and "Written after midnight" not in page
