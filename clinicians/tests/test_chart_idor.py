"""Insecure direct object references: every chart and record URL, with
guessed and swapped ids, for the other patient, a doctor outside the care
team and the marketer. Nothing is shown or written; every refusal is audited."""

import logging

import pytest

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST
from patients.records import repository as records_repository
from patients.records import services as records_services
from patients.tests.records_support import ALLERGY, NOTE, actor
from tests.phi_markers import cast_patient_markers
from tests.support import sign_in

pytestmark = pytest.mark.django_db

GUESSED_PATIENT = "5f1b2c3d-0000-4000-8000-000000000000"


@pytest.fixture
def entry(cast):
    return records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="allergy",
        values=ALLERGY,
    )


def _chart_reads(cast, entry):
    base = f"/doctor/patients/{cast.patient.sub}/"
    return [base, f"{base}history/", f"{base}entries/{entry.entry_id}/"]


def _chart_writes(cast, entry):
    base = f"/doctor/patients/{cast.patient.sub}/"
    return [
        (f"{base}add/note/", NOTE),
        (
            f"{base}entries/{entry.entry_id}/",
            {**ALLERGY, "severity": "mild", "reason": "x", "version": "1", "entry_kind": "allergy"},
        ),
    ]


def _denials(person):
    events, _ = audit_log.list_by("userId", person.sub)
    return [(e.action, e.outcome, e.patient_id) for e in events if e.outcome == "denied"]


def test_a_doctor_outside_the_care_team_gets_an_audited_404_everywhere_and_writes_nothing(
    client, cast, entry
):
    sign_in(client, cast.other_doctor.email)

    for path in _chart_reads(cast, entry):
        response = client.get(path)
        assert response.status_code == 404, path
        assert not {marker for marker in cast_patient_markers() if marker in response.content.decode()}
        assert "Penicillin" not in response.content.decode()
    for path, data in _chart_writes(cast, entry):
        assert client.post(path, data).status_code == 404, path

    assert _denials(cast.other_doctor) == [("chart.access", "denied", cast.patient.sub)] * 5
    entries, _ = records_repository.history_page(cast.patient.sub)
    assert [(e.entry_id, e.version) for e in entries] == [(entry.entry_id, 1)]


def test_guessed_and_swapped_ids_find_nothing(client, cast, entry):
    # The other doctor cares for the other patient, and tries the first
    # patient's entry under that chart, and made-up patient ids.
    from patients import repository as patients
    from patients.care_team import repository as care_team

    care_team.link_add_if_missing(
        patient=patients.get(cast.other_patient.sub),
        provider_id=cast.other_doctor.sub,
        since="2026-01-01",
        reason="test",
    )
    sign_in(client, cast.other_doctor.email)

    swapped = f"/doctor/patients/{cast.other_patient.sub}/entries/{entry.entry_id}/"
    assert client.get(swapped).status_code == 404
    assert (
        client.post(
            swapped, {**ALLERGY, "severity": "mild", "reason": "x", "version": "1", "entry_kind": "allergy"}
        ).status_code
        == 404
    )
    for path in (
        f"/doctor/patients/{GUESSED_PATIENT}/",
        f"/doctor/patients/{'x' * 500}/history/",
        f"/doctor/patients/{cast.other_patient.sub}/entries/not-an-entry-id/",
    ):
        assert client.get(path).status_code == 404, path

    assert records_repository.entry_get(cast.patient.sub, entry.entry_id).version == 1
    assert records_repository.history_page(cast.other_patient.sub)[0] == []


@pytest.mark.parametrize("who", ["other_patient", "marketer"])
def test_people_without_the_doctor_role_are_refused_every_chart_url_and_audited(client, cast, entry, who):
    person = getattr(cast, who)
    sign_in(client, person.email)

    for path in _chart_reads(cast, entry) + ["/doctor/patients/", "/doctor/patients/emergency/"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Penicillin" not in response.content.decode()
    for path, data in _chart_writes(cast, entry):
        assert client.post(path, data).status_code == 403, path

    events, _ = audit_log.list_by("userId", person.sub)
    assert len([e for e in events if e.action == "access.denied"]) == 7


@pytest.mark.parametrize("who", ["other_patient", "marketer", "other_doctor"])
def test_the_patients_own_record_urls_never_show_another_patients_record(client, cast, entry, who):
    person = getattr(cast, who)
    sign_in(client, person.email)

    for path in (
        "/patient/records/",
        f"/patient/records/?patient={cast.patient.sub}",
        f"/patient/records/?patient_id={cast.patient.sub}",
        "/patient/records/download/fhir/",
        f"/patient/records/download/fhir/?patient={cast.patient.sub}",
        "/patient/records/download/pdf/",
        "/patient/records/access/",
    ):
        response = client.get(path)
        body = response.content.decode(errors="replace")
        assert response.status_code in (200, 403), path
        assert "Penicillin" not in body and "Jordan" not in body and cast.patient.sub not in body, path


def test_a_chart_view_and_an_entry_creation_log_no_phi(client, cast, caplog):
    sign_in(client, cast.doctor.email)
    chart = f"/doctor/patients/{cast.patient.sub}/"
    note = {**NOTE, "subjective": "Confided-detail-4471", "assessment": "Private-assessment-9932"}

    with caplog.at_level(logging.DEBUG, logger="medisecure"), caplog.at_level(logging.INFO):
        assert client.get(chart).status_code == 200
        assert client.post(f"{chart}add/note/", note).status_code == 302
        assert (
            client.post(
                f"{chart}add/vitals/", {"heart_rate": "900", "temperature_unit": "C", "weight_unit": "kg"}
            ).status_code
            == 200
        )
        assert client.get(chart).status_code == 200
        # A refused chart: Django logs the 404, so the capture has lines to read.
        assert client.get(f"/doctor/patients/{cast.other_patient.sub}/").status_code == 404

    logged = caplog.text
    assert caplog.records  # the capture saw the requests' log lines
    phi = cast_patient_markers() | {"Confided-detail-4471", "Private-assessment-9932", "Cough for a week"}
    assert {marker for marker in phi if marker in logged} == set()
