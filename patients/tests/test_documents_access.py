"""Who may reach a patient's documents, by every documents URL: guessed and
swapped ids, another patient, a doctor outside the care team, a marketer.
Those with no relationship to the patient get 404, audited; nothing they
send is stored."""

from __future__ import annotations

import secrets

import pytest

from audit import repository as audit_log
from patients.documents.domain import reference_of
from patients.tests.documents_support import (
    bucket_keys,
    document_items,
    events_of,
    upload,
)
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(client, cast):
    """One document in each patient's record; returns their references."""
    references = {}
    for person in (cast.patient, cast.other_patient):
        sign_in(client, person.email)
        assert (
            client.post("/patient/documents/upload/", {"document": upload("Private.pdf")}).status_code == 302
        )
        (item,) = document_items(person.sub)
        references[person.sub] = reference_of(item["documentKey"])
    client.logout()
    return references


def _guessed_reference() -> str:
    return f"20260101T000000000000Z-{secrets.token_hex(16)}"


def test_another_patient_cannot_download_by_a_swapped_reference(client, cast, documents):
    sign_in(client, cast.other_patient.email)

    response = client.get(f"/patient/documents/{documents[cast.patient.sub]}/download/")

    assert response.status_code == 404 and "Location" not in response
    (event,) = events_of(cast.other_patient.sub, "document.download")
    assert (event.outcome, event.detail) == ("denied", {"reason": "not_found"})


def test_a_patients_list_shows_only_their_own_documents(client, cast, documents):
    sign_in(client, cast.other_patient.email)

    page = client.get("/patient/documents/").content.decode()

    assert documents[cast.other_patient.sub] in page
    assert documents[cast.patient.sub] not in page


@pytest.mark.parametrize("reference", ["nonsense", "20260101T000000000000Z-" + "0" * 32, ".."])
def test_a_guessed_or_malformed_reference_is_a_404_audited(client, cast, documents, reference):
    sign_in(client, cast.patient.email)

    assert client.get(f"/patient/documents/{reference}/download/").status_code == 404

    assert [event.outcome for event in events_of(cast.patient.sub, "document.download")] == ["denied"]


def test_a_patient_cannot_upload_into_another_patients_record_by_a_form_field(client, cast):
    sign_in(client, cast.other_patient.email)

    client.post(
        "/patient/documents/upload/",
        {"document": upload(), "patient_id": cast.patient.sub, "patientId": cast.patient.sub},
    )

    assert document_items(cast.patient.sub) == []
    assert len(document_items(cast.other_patient.sub)) == 1


def _doctor_urls(patient_id: str, reference: str) -> list[tuple[str, str]]:
    base = f"/doctor/patients/{patient_id}/documents/"
    return [("get", base), ("post", f"{base}upload/"), ("get", f"{base}{reference}/download/")]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["list", "upload", "download"])
def test_a_doctor_outside_the_care_team_gets_404_on_every_documents_url(client, cast, documents, which):
    sign_in(client, cast.other_doctor.email)
    method, url = _doctor_urls(cast.patient.sub, documents[cast.patient.sub])[which]
    stored_before = bucket_keys()

    response = client.post(url, {"document": upload()}) if method == "post" else client.get(url)

    assert response.status_code == 404 and "Location" not in response
    assert "Private.pdf" not in response.content.decode()
    assert bucket_keys() == stored_before
    assert len(document_items(cast.patient.sub)) == 1
    # The chart's own access rule refused it, and said so once.
    denied = [event for event in _events(cast.other_doctor.sub) if event.outcome == "denied"]
    assert [(event.action, event.patient_id, event.detail) for event in denied] == [
        ("chart.access", cast.patient.sub, {"reason": "no_relationship"})
    ]


def _events(user_id):
    return audit_log.list_by("userId", user_id)[0]


def test_a_doctor_outside_the_care_team_learns_nothing_from_a_refused_file(client, cast):
    sign_in(client, cast.other_doctor.email)

    response = client.post(
        f"/doctor/patients/{cast.patient.sub}/documents/upload/", {"document": upload("x.pdf", b"<html>")}
    )

    assert response.status_code == 404
    assert "not a PDF" not in response.content.decode()
    (event,) = [event for event in _events(cast.other_doctor.sub) if event.outcome == "denied"]
    assert (event.action, event.detail) == ("chart.access", {"reason": "no_relationship"})


def test_a_doctor_cannot_reach_another_patients_document_through_their_own_patients_chart(
    client, cast, documents
):
    sign_in(client, cast.doctor.email)

    response = client.get(
        f"/doctor/patients/{cast.patient.sub}/documents/{documents[cast.other_patient.sub]}/download/"
    )

    assert response.status_code == 404


def test_a_doctor_cannot_open_a_patient_outside_their_care_team_by_a_guessed_id(client, cast):
    sign_in(client, cast.doctor.email)

    for patient_id in (cast.other_patient.sub, "00000000-0000-0000-0000-000000000000", "x" * 500):
        assert client.get(f"/doctor/patients/{patient_id}/documents/").status_code == 404


@pytest.mark.parametrize("person", ["marketer", "admin"])
def test_other_roles_are_refused_every_documents_url_and_audited(client, cast, documents, person):
    actor = getattr(cast, person)
    sign_in(client, actor.email)
    reference = documents[cast.patient.sub]
    urls = [
        ("get", "/patient/documents/"),
        ("post", "/patient/documents/upload/"),
        ("get", f"/patient/documents/{reference}/download/"),
        *_doctor_urls(cast.patient.sub, reference),
    ]

    for method, url in urls:
        response = client.post(url, {"document": upload()}) if method == "post" else client.get(url)
        assert response.status_code == 403, url
        assert "Private.pdf" not in response.content.decode()

    assert [event.action for event in _events(actor.sub) if event.outcome == "denied"] == [
        "access.denied"
    ] * 6
    assert len(bucket_keys()) == 2


def test_a_doctor_in_the_care_team_sees_the_patients_documents(client, cast, documents):
    sign_in(client, cast.doctor.email)

    page = client.get(f"/doctor/patients/{cast.patient.sub}/documents/").content.decode()

    assert documents[cast.patient.sub] in page and documents[cast.other_patient.sub] not in page


def test_a_doctor_under_a_live_emergency_grant_reaches_the_documents_and_it_shows(client, cast, documents):
    sign_in(client, cast.other_doctor.email)
    chart = f"/doctor/patients/{cast.patient.sub}/documents/"
    assert client.get(chart).status_code == 404
    granted = client.post(
        "/doctor/patients/emergency/",
        {
            "given_name": "Jordan",
            "family_name": "Example",
            "date_of_birth": "1985-04-12",
            "identifier": "0147",
            "reason": "Unconscious",
        },
    )
    assert granted.status_code == 302

    page = client.get(chart)
    download = client.get(f"{chart}{documents[cast.patient.sub]}/download/")

    assert page.status_code == 200 and "Private.pdf" in page.content.decode()
    assert "<strong>Emergency access.</strong>" in page.content.decode()  # the chart's own banner, once
    assert download.status_code == 302
    used = [event for event in _events(cast.other_doctor.sub) if event.action.startswith("document.")]
    assert {(event.action, event.detail.get("access")) for event in used} == {
        ("document.list", "emergency"),
        ("document.download", "emergency"),
    }
