"""The doctor's chart pages: what they show, what they refuse, what they cost."""

import re

import pytest

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST
from patients.records import repository as records_repository
from patients.records import services as records_services
from patients.tests.records_support import ALLERGY, DIAGNOSIS, NOTE, actor
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor_client(client, cast):
    sign_in(client, cast.doctor.email)
    return client


def _chart(cast):
    return f"/doctor/patients/{cast.patient.sub}/"


def test_it_lists_the_doctors_care_team_patients_and_finds_them_by_family_name(doctor_client, cast):
    page = doctor_client.get("/doctor/patients/")
    assert page.status_code == 200 and "Jordan Example" in page.content.decode()
    assert _chart(cast) in page.content.decode()

    assert "Jordan Example" in doctor_client.get("/doctor/patients/?q=exa").content.decode()
    assert "Jordan Example" not in doctor_client.get("/doctor/patients/?q=zz").content.decode()


def test_it_shows_the_chart_with_the_entries_added_through_its_forms(doctor_client, cast):
    for kind, values in (("note", NOTE), ("diagnosis", DIAGNOSIS), ("allergy", ALLERGY)):
        response = doctor_client.post(f"{_chart(cast)}add/{kind}/", values)
        assert response.status_code == 302 and response["Location"] == _chart(cast)

    body = doctor_client.get(_chart(cast)).content.decode()

    born = "Born Fri 12 Apr 1985 (age "  # the date of birth in words, with the age
    for shown in ("Jordan Example", born, "Penicillin", "J20.9 Acute bronchitis", "Viral cough"):
        assert shown in body
    assert "/documents/" in body


def test_it_refuses_a_heart_rate_of_900_and_saves_nothing(doctor_client, cast):
    response = doctor_client.post(
        f"{_chart(cast)}add/vitals/", {"heart_rate": "900", "temperature_unit": "C", "weight_unit": "kg"}
    )

    assert response.status_code == 200
    assert "That cannot be right for a person: enter a value from 20 to 300" in response.content.decode()
    assert 'aria-describedby="id_heart_rate-error"' in response.content.decode()
    assert records_repository.history_page(cast.patient.sub)[0] == []


def test_it_reads_temperatures_in_the_unit_given(doctor_client, cast):
    assert (
        doctor_client.post(
            f"{_chart(cast)}add/vitals/",
            {"temperature": "101.3", "temperature_unit": "F", "weight_unit": "kg"},
        ).status_code
        == 302
    )
    response = doctor_client.post(
        f"{_chart(cast)}add/vitals/", {"temperature": "101.3", "temperature_unit": "C", "weight_unit": "kg"}
    )
    assert response.status_code == 200


def test_it_refuses_a_code_that_is_not_shaped_like_icd10(doctor_client, cast):
    response = doctor_client.post(f"{_chart(cast)}add/diagnosis/", {**DIAGNOSIS, "code": "20.9J"})

    assert response.status_code == 200 and "That is not an ICD-10 code" in response.content.decode()


def test_an_amendment_through_the_entry_page_keeps_the_history_one_click_away(doctor_client, cast):
    entry = records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="allergy",
        values=ALLERGY,
    )
    page = f"{_chart(cast)}entries/{entry.entry_id}/"

    response = doctor_client.post(
        page,
        {
            **ALLERGY,
            "severity": "severe",
            "reason": "Hospital letter",
            "version": "1",
            "entry_kind": "allergy",
        },
    )
    assert response.status_code == 302

    body = doctor_client.get(page).content.decode()
    assert "Severe" in body or "severe" in body
    assert "Hospital letter" in body and "Version 1, replaced" in body
    assert page in doctor_client.get(_chart(cast)).content.decode()


def test_a_stale_amendment_is_told_shown_the_new_value_and_keeps_its_answers(doctor_client, cast):
    entry = records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="allergy",
        values=ALLERGY,
    )
    records_services.chart_entry_amend(
        kind="allergy",
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=entry.entry_id,
        values={**ALLERGY, "reaction": "Wheeze"},
        reason="first",
        expected_version=1,
    )

    response = doctor_client.post(
        f"{_chart(cast)}entries/{entry.entry_id}/",
        {
            **ALLERGY,
            "reaction": "My late answer",
            "reason": "second",
            "version": "1",
            "entry_kind": "allergy",
        },
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone amended this entry after you opened it" in body
    assert "Wheeze" in body and "My late answer" in body
    assert 'name="version" value="2"' in body


def test_free_text_is_rendered_escaped(doctor_client, cast):
    script = "<script>alert('x')</script>"
    doctor_client.post(f"{_chart(cast)}add/note/", {**NOTE, "assessment": script})

    body = doctor_client.get(_chart(cast)).content.decode()
    assert script not in body and "&lt;script&gt;" in body


def test_the_chart_costs_three_round_trips_whatever_the_history_length(doctor_client, cast, dynamodb_calls):
    for number in range(60):
        records_services.chart_entry_add(
            actor=actor(cast.doctor),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            kind="note",
            values={**NOTE, "assessment": f"Visit {number}"},
        )
    dynamodb_calls.clear()

    response = doctor_client.get(_chart(cast))

    assert response.status_code == 200 and "Visit 59" in response.content.decode()
    # the chart read, the upcoming appointments, the audit append
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}


def test_the_history_pages_through_a_long_history_at_three_round_trips_a_page(
    doctor_client, cast, dynamodb_calls
):
    for number in range(25):
        records_services.chart_entry_add(
            actor=actor(cast.doctor),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            kind="note",
            values={**NOTE, "assessment": f"Visit {number:02d}"},
        )
    dynamodb_calls.clear()

    first = doctor_client.get(f"{_chart(cast)}history/")
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
    token = re.search(r'href="\?page=([^"]+)"', first.content.decode()).group(1)
    second = doctor_client.get(f"{_chart(cast)}history/?page={token}")

    assert "Visit 24" in first.content.decode() and "Visit 24" not in second.content.decode()
    assert "Visit 00" in second.content.decode()


def test_the_chart_read_is_audited_with_who_and_how(doctor_client, cast):
    doctor_client.get(_chart(cast))

    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    reads = [event for event in events if event.action == "chart.read"]
    assert [(e.user_id, e.role, e.outcome, e.detail) for e in reads] == [
        (cast.doctor.sub, "doctor", "allowed", {"access": "care_team"})
    ]


def test_the_chart_lists_booked_appointments_from_now_and_skips_unreadable_ones(doctor_client, cast):
    from datetime import timedelta

    from medisecure import clock, dynamo
    from medisecure.tables import APPOINTMENTS

    # One moment for the whole test: a minute turning between the writes and
    # the assertions (a loaded machine) must not move the times compared.
    start = clock.now()

    def at(days, minutes=0):
        return (start + timedelta(days=days, minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    base = {"patientId": cast.patient.sub, "providerId": cast.doctor.sub}
    dynamo.put_new(
        APPOINTMENTS,
        {
            **base,
            "appointmentId": "a1",
            "scheduledDateTime": at(2),
            "endDateTime": at(2, 30),
            "status": "booked",
        },
    )
    dynamo.put_new(
        APPOINTMENTS, {**base, "appointmentId": "a2", "scheduledDateTime": at(3), "status": "cancelled"}
    )
    dynamo.put_new(
        APPOINTMENTS, {**base, "appointmentId": "a3", "scheduledDateTime": at(-3), "status": "booked"}
    )
    dynamo.put_new(
        APPOINTMENTS,
        {
            "patientId": cast.patient.sub,
            "appointmentId": "a4",
            "scheduledDateTime": at(4),
            "status": "booked",
        },
    )

    body = doctor_client.get(_chart(cast)).content.decode()

    assert body.count("with you") == 1 and "30 minutes" in body
    from medisecure.clinic_time import clinic_datetime

    assert clinic_datetime(at(2)) in body and clinic_datetime(at(3)) not in body


def test_an_amendment_checked_as_another_kind_of_entry_changes_nothing(doctor_client, cast):
    entry = records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="allergy",
        values=ALLERGY,
    )

    response = doctor_client.post(
        f"{_chart(cast)}entries/{entry.entry_id}/",
        {**NOTE, "reason": "wrong form", "version": "1", "entry_kind": "note"},
    )

    assert response.status_code == 200
    assert records_repository.entry_get(cast.patient.sub, entry.entry_id).version == 1
