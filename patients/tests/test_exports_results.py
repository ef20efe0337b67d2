"""Lab results and immunizations in the patient's downloads: the FHIR
bundle carries an Observation with its reference range and interpretation
(derived from the attached report, referenced inside the bundle) and an
Immunization coded in CVX, validated by fhir.resources; the PDF lists both
under their own headings, with dates in the clinic's words."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from medisecure.identity.actors import NO_REQUEST
from patients.records import services as records_services
from patients.tests.documents_support import upload
from patients.tests.records_support import actor
from tests.pdf_text import pdf_text
from tests.support import sign_in

pytestmark = pytest.mark.django_db

GLUCOSE = {
    "test_name": "Glucose",
    "loinc": "2345-7",
    "value": "1.9",
    "unit": "mmol/L",
    "range_low": "4.0",
    "range_high": "7.8",
    "critical_low": "2.5",
    "critical_high": "",
    "collected": "2026-11-30",
}
FLU = {
    "vaccine": "Influenza, seasonal",
    "cvx": "141",
    "given": "2026-10-01",
    "lot": "AB12C",
    "site": "left_arm",
}


@pytest.fixture
def patient_client(client, cast):
    sign_in(client, cast.patient.email)
    return client


def _add(cast, kind, values):
    return records_services.chart_entry_add(
        actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub, kind=kind, values=values
    )


def _resources(patient_client) -> list[dict]:
    data = json.loads(patient_client.get("/patient/records/download/fhir/").content)
    Bundle.model_validate(data)
    return [entry["resource"] for entry in data["entry"]]


def test_a_result_is_an_observation_with_its_range_and_interpretation(patient_client, cast):
    patient_client.post("/patient/documents/upload/", {"document": upload("Glucose report.pdf")})
    doctor = actor(cast.doctor)
    from patients.results import selectors as results_selectors

    [(reference, _)] = results_selectors.result_compose_get(
        actor=doctor, audit=NO_REQUEST, patient_id=cast.patient.sub
    ).documents
    _add(cast, "result", {**GLUCOSE, "report_reference": reference, "report_name": "Glucose report.pdf"})
    _add(
        cast,
        "result",
        {
            **GLUCOSE,
            "test_name": "Sodium",
            "loinc": "2951-2",
            "value": "140",
            "range_low": "135",
            "range_high": "145",
            "critical_low": "",
        },
    )

    resources = _resources(patient_client)

    observations = {r["code"]["text"]: r for r in resources if r["resourceType"] == "Observation"}
    glucose, sodium = observations["Glucose"], observations["Sodium"]
    assert glucose["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "2345-7",
        "display": "Glucose",
    }
    assert glucose["category"][0]["coding"][0]["code"] == "laboratory"
    assert glucose["valueQuantity"] == {"value": 1.9, "unit": "mmol/L"}
    assert glucose["referenceRange"] == [
        {"low": {"value": 4.0, "unit": "mmol/L"}, "high": {"value": 7.8, "unit": "mmol/L"}}
    ]
    assert glucose["interpretation"][0]["coding"][0]["code"] == "LL"
    assert glucose["effectiveDateTime"] == "2026-11-30"
    assert sodium["interpretation"][0]["coding"][0]["code"] == "N"
    documents = {f"urn:uuid:{r['id']}" for r in resources if r["resourceType"] == "DocumentReference"}
    assert [ref["reference"] for ref in glucose["derivedFrom"]] == list(documents)
    assert "derivedFrom" not in sodium


def test_an_immunization_is_an_immunization_coded_in_cvx(patient_client, cast):
    _add(cast, "immunization", FLU)

    [immunization] = [r for r in _resources(patient_client) if r["resourceType"] == "Immunization"]

    assert immunization["vaccineCode"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/cvx",
        "code": "141",
        "display": "Influenza, seasonal",
    }
    assert immunization["status"] == "completed"
    assert immunization["occurrenceDateTime"] == "2026-10-01"
    assert immunization["lotNumber"] == "AB12C"
    assert immunization["site"]["coding"][0]["code"] == "LA"
    patients = [f"urn:uuid:{r['id']}" for r in _resources(patient_client) if r["resourceType"] == "Patient"]
    assert immunization["patient"]["reference"] == patients[0]


def test_the_pdf_lists_results_and_immunizations_under_their_own_headings(patient_client, cast):
    _add(cast, "result", GLUCOSE)
    _add(cast, "immunization", FLU)
    _add(cast, "allergy", {"substance": "Penicillin", "reaction": "Hives", "severity": "moderate"})

    text = pdf_text(patient_client.get("/patient/records/download/pdf/").content)

    for shown in (
        "\nLab results\n",
        "\nImmunizations\n",
        "\nAllergies\n",
        "\nDiagnoses\n",
        "Glucose: Far outside the usual range",
        "Influenza, seasonal",
        "Mon 30 Nov 2026",
        "Thu 1 Oct 2026",
    ):
        assert shown in text, shown
    assert "Allergys" not in text and "Diagnosiss" not in text
    assert "UTC" not in text and "2026-11-30" not in text
