"""The patient's own record: reading it, downloading it (PDF, FHIR R4), and
seeing who has looked at it."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from audit import repository as audit_log
from medisecure.identity.actors import NO_REQUEST
from patients.records import services as records_services
from patients.tests.records_support import ALLERGY, DIAGNOSIS, MEDICATION, NOTE, actor
from tests.support import sign_in

pytestmark = pytest.mark.django_db

VITALS = {
    "heart_rate": "72",
    "temperature": "37.2",
    "temperature_unit": "C",
    "systolic": "120",
    "diastolic": "80",
}


@pytest.fixture
def recorded(cast):
    for kind, values in (
        ("note", NOTE),
        ("diagnosis", DIAGNOSIS),
        ("allergy", ALLERGY),
        ("medication", MEDICATION),
        ("vitals", VITALS),
    ):
        records_services.chart_entry_add(
            actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub, kind=kind, values=values
        )


@pytest.fixture
def patient_client(client, cast):
    sign_in(client, cast.patient.email)
    return client


def test_it_shows_the_patient_their_record_in_plain_words(patient_client, recorded):
    body = patient_client.get("/patient/records/").content.decode()

    for shown in (
        "Penicillin",
        "Acute bronchitis",
        "Amoxicillin",
        "Viral cough",
        "what you told us",
        "Heart rate",
    ):
        assert shown in body


def test_it_shows_another_patient_nothing_of_it(client, cast, recorded):
    sign_in(client, cast.other_patient.email)

    body = client.get("/patient/records/").content.decode()

    assert "Penicillin" not in body and "Nothing has been recorded yet." in body


def _bundle(patient_client) -> dict:
    response = patient_client.get("/patient/records/download/fhir/")
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"].startswith('attachment; filename="my-health-record-')
    return json.loads(response.content)


def test_the_fhir_bundle_validates_and_its_references_resolve_inside_it(patient_client, cast, recorded):
    data = _bundle(patient_client)

    Bundle.model_validate(data)  # types and required fields, by the FHIR models
    resources = [entry["resource"] for entry in data["entry"]]
    assert sorted(resource["resourceType"] for resource in resources) == sorted(
        ["Patient", "Encounter", "Condition", "AllergyIntolerance", "MedicationStatement", "Observation"]
    )
    full_urls = {entry["fullUrl"] for entry in data["entry"]}
    assert all(entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}" for entry in data["entry"])
    references = [
        (resource.get("subject") or resource.get("patient"))["reference"]
        for resource in resources
        if resource["resourceType"] != "Patient"
    ]
    assert references and set(references) <= full_urls
    by_type = {resource["resourceType"]: resource for resource in resources}
    assert by_type["Patient"]["birthDate"] == "1985-04-12"
    assert by_type["Condition"]["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10",
        "code": "J20.9",
        "display": "Acute bronchitis",
    }
    assert {c["code"]["coding"][0]["code"] for c in by_type["Observation"]["component"]} == {
        "8867-4",
        "8310-5",
        "8480-6",
        "8462-4",
    }
    assert cast.patient.sub not in json.dumps(data)  # no internal ids


def test_the_fhir_bundle_lists_the_patients_documents(patient_client, cast):
    from medisecure.unit_of_work import Transaction
    from patients.documents import repository as documents_repository
    from patients.documents.domain import Document

    document = Document(
        patient_id=cast.patient.sub,
        document_id="d1",
        uploaded_at="2026-01-02T03:04:05Z",
        file_name="lab-results.pdf",
        content_type="application/pdf",
        size=1024,
        storage_key="documents/files/" + "0" * 32,
        uploaded_by=cast.doctor.sub,
        uploader_role="doctor",
    )
    tx = Transaction()
    documents_repository.document_add(tx, document)
    tx.commit()

    data = _bundle(patient_client)

    Bundle.model_validate(data)
    documents = [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "DocumentReference"]
    assert [d["content"][0]["attachment"]["title"] for d in documents] == ["lab-results.pdf"]


def test_the_pdf_download_is_a_pdf_of_the_record(patient_client, recorded):
    response = patient_client.get("/patient/records/download/pdf/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith('.pdf"')


def test_each_download_is_audited(patient_client, cast):
    patient_client.get("/patient/records/download/fhir/")
    patient_client.get("/patient/records/download/pdf/")

    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    downloads = [e.detail["format"] for e in events if e.action == "record.download"]
    assert sorted(downloads) == ["fhir", "pdf"]


def test_it_shows_who_has_looked_at_the_record_without_internal_details(client, cast, recorded):
    doctor = client
    sign_in(doctor, cast.doctor.email)
    doctor.get(f"/doctor/patients/{cast.patient.sub}/")
    from django.test import Client

    patient = Client()
    sign_in(patient, cast.patient.email)

    response = patient.get("/patient/records/access/")

    body = response.content.decode()
    assert "Dr Casey Sample" in body and "viewed your chart" in body and "added to your record" in body
    assert "127.0.0.1" not in body and "chart.read" not in body


def test_the_record_page_costs_three_round_trips_whatever_the_history_length(
    patient_client, cast, dynamodb_calls
):
    for number in range(45):
        records_services.chart_entry_add(
            actor=actor(cast.doctor),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            kind="note",
            values={**NOTE, "assessment": f"Visit {number}"},
        )
    dynamodb_calls.clear()

    response = patient_client.get("/patient/records/")

    assert response.status_code == 200 and "Visit 44" in response.content.decode()
    # the patient, the summary and the audit head; a page of history; the audit append
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
