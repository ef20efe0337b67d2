"""The lab-result and immunization pages: a doctor records a result on the
chart (bad input gets a field-level message and stores nothing), attaches
a report from the patient's documents and reviews it; the patient reads
their results with the range in plain words, "New" until opened. Each page
states its DynamoDB round trips."""

import pytest
from django.test import Client

from patients.records import repository as records_repository
from patients.records import selectors as records_selectors
from patients.tests.documents_support import document_items, upload
from tests.support import sign_in

pytestmark = pytest.mark.django_db

RESULT = {
    "test_name": "Potassium",
    "loinc": "2823-3",
    "value": "5.9",
    "unit": "mmol/L",
    "range_low": "3.5",
    "range_high": "5.1",
    "critical_low": "",
    "critical_high": "",
    "collected": "2026-11-30",
    "report_reference": "",
}
IMMUNIZATION = {
    "vaccine": "Influenza, seasonal",
    "cvx": "141",
    "given": "2026-10-01",
    "lot": "AB12C",
    "site": "left_arm",
}


@pytest.fixture
def doctor_client(cast):
    client = Client()
    sign_in(client, cast.doctor.email)
    return client


@pytest.fixture
def patient_client(cast):
    client = Client()
    sign_in(client, cast.patient.email)
    return client


def _new(cast) -> str:
    return f"/doctor/patients/{cast.patient.sub}/results/new/"


def _record(client, cast, **changes):
    return client.post(_new(cast), {**RESULT, **changes})


def _stored_results(cast):
    return records_repository.summary_get(cast.patient.sub).recent_results


def test_a_doctor_records_a_result_and_lands_on_it_flagged_from_its_range(doctor_client, cast):
    response = _record(doctor_client, cast)

    assert response.status_code == 302
    [result] = _stored_results(cast)
    assert response["Location"] == f"/doctor/patients/{cast.patient.sub}/entries/{result.entry_id}/"
    assert result.values["flag"] == "high"
    page = doctor_client.get(response["Location"]).content.decode()
    assert "Potassium" in page and "Mark as reviewed" in page


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"unit": ""}, "unit", "This field is required."),
        ({"range_low": "6", "range_high": "3"}, "range_high", "cannot be below its lower end"),
        ({"loinc": "2823"}, "loinc", "That is not a LOINC code"),
        ({"value": "high-ish"}, "value", "Enter a number"),
        ({"range_low": "", "range_high": ""}, "range_low", "Enter the usual range"),
        ({"collected": "2150-01-01"}, "collected", "in the future"),
        (
            {"report_reference": "20260101T000000000000Z-" + "0" * 32},
            "report_reference",
            "Select a valid choice",
        ),
    ],
)
def test_a_result_that_cannot_be_is_refused_by_field_and_nothing_is_stored(
    doctor_client, cast, changes, field, message
):
    response = _record(doctor_client, cast, **changes)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert _stored_results(cast) == ()
    assert records_selectors.results_unseen_list(patient_id=cast.patient.sub) == []


def test_a_report_is_attached_from_the_patients_own_documents(doctor_client, patient_client, cast):
    patient_client.post("/patient/documents/upload/", {"document": upload("Potassium report.pdf")})
    offered = doctor_client.get(_new(cast)).content.decode()
    assert "Potassium report.pdf" in offered
    [item] = document_items(cast.patient.sub)
    reference = offered.split('<option value="')[2].split('"')[0]

    _record(doctor_client, cast, report_reference=reference)

    [result] = _stored_results(cast)
    assert result.values["report_name"] == "Potassium report.pdf"
    assert item["documentId"] in reference
    page = patient_client.get(f"/patient/results/{result.entry_id}/").content.decode()
    assert f"/patient/documents/{reference}/download/" in page


def test_the_patient_reads_results_in_plain_words_new_until_opened(doctor_client, patient_client, cast):
    _record(doctor_client, cast)
    _record(
        doctor_client, cast, test_name="Sodium", value="140", unit="mmol/L", range_low="135", range_high="145"
    )
    _record(
        doctor_client,
        cast,
        test_name="Glucose",
        value="1.0",
        unit="mmol/L",
        range_low="4",
        range_high="7",
        critical_low="2.5",
    )

    listing = patient_client.get("/patient/results/").content.decode()

    assert listing.count(">New<") == 3
    assert "Higher than the usual range" in listing
    assert "Within the usual range" in listing
    assert "Far outside the usual range (critical)" in listing
    assert "2026-11-30" not in listing and "Mon 30 Nov 2026" in listing
    potassium = next(result for result in _stored_results(cast) if result.values["test_name"] == "Potassium")

    page = patient_client.get(f"/patient/results/{potassium.entry_id}/").content.decode()

    assert "5.9 mmol/L" in page and "3.5 to 5.1 mmol/L" in page
    assert patient_client.get("/patient/results/").content.decode().count(">New<") == 2


def test_the_doctor_reviews_a_result_once(doctor_client, cast):
    entry_page = _record(doctor_client, cast)["Location"]
    result = _stored_results(cast)[0]
    review = f"/doctor/patients/{cast.patient.sub}/results/{result.entry_id}/review/"

    first = doctor_client.post(review, follow=True).content.decode()
    again = doctor_client.post(review, follow=True).content.decode()

    assert "The result is marked reviewed." in first
    assert "had been reviewed already" in again
    assert records_selectors.results_to_review_list(provider_id=cast.doctor.sub) == []
    assert "Reviewed by" in doctor_client.get(entry_page).content.decode()


def test_a_doctor_outside_the_care_team_can_neither_record_nor_review(doctor_client, cast):
    _record(doctor_client, cast)
    result = _stored_results(cast)[0]
    other = Client()
    sign_in(other, cast.other_doctor.email)

    assert other.get(_new(cast)).status_code == 404
    assert other.post(_new(cast), RESULT).status_code == 404
    assert (
        other.post(f"/doctor/patients/{cast.patient.sub}/results/{result.entry_id}/review/").status_code
        == 404
    )
    assert len(_stored_results(cast)) == 1
    assert len(records_selectors.results_to_review_list(provider_id=cast.doctor.sub)) == 1


def test_another_patient_cannot_open_a_result(doctor_client, cast):
    _record(doctor_client, cast)
    result = _stored_results(cast)[0]
    other = Client()
    sign_in(other, cast.other_patient.email)

    assert other.get(f"/patient/results/{result.entry_id}/").status_code == 404
    assert "Potassium" not in other.get("/patient/results/").content.decode()


def test_an_amended_result_keeps_its_report(doctor_client, patient_client, cast):
    patient_client.post("/patient/documents/upload/", {"document": upload("Report.pdf")})
    reference = doctor_client.get(_new(cast)).content.decode().split('<option value="')[2].split('"')[0]
    entry_page = _record(doctor_client, cast, report_reference=reference)["Location"]

    response = doctor_client.post(
        entry_page,
        {**RESULT, "value": "4.0", "reason": "Typed the wrong value", "version": "1", "entry_kind": "result"},
    )

    assert response.status_code == 302
    [result] = _stored_results(cast)
    assert result.values["value"] == "4.0" and result.values["flag"] == "normal"
    assert result.values["report_reference"] == reference


def test_a_doctor_records_an_immunization_the_patient_sees(doctor_client, patient_client, cast):
    add = f"/doctor/patients/{cast.patient.sub}/add/immunization/"
    refused = doctor_client.post(add, {**IMMUNIZATION, "cvx": "14A"})
    assert refused.status_code == 200 and "That is not a CVX code" in refused.content.decode()
    assert records_repository.summary_get(cast.patient.sub).immunizations == []

    assert doctor_client.post(add, IMMUNIZATION).status_code == 302

    chart = doctor_client.get(f"/doctor/patients/{cast.patient.sub}/").content.decode()
    record = patient_client.get("/patient/records/").content.decode()
    assert "Influenza, seasonal" in chart and "CVX 141" in chart
    assert "Influenza, seasonal" in record and "Thu 1 Oct 2026" in record and "AB12C" in record


def test_the_results_pages_round_trips(doctor_client, patient_client, cast, dynamodb_calls):
    _record(doctor_client, cast)
    result = _stored_results(cast)[0]
    dynamodb_calls.clear()

    assert doctor_client.get(_new(cast)).status_code == 200
    # the chart's access (one batch), the patient's documents, the audit append
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}
    dynamodb_calls.clear()

    assert patient_client.get("/patient/results/").status_code == 200
    # the results (ListIndex), their "new" marks in one batch, the audit append
    assert dynamodb_calls == {"Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}
    dynamodb_calls.clear()

    assert patient_client.get(f"/patient/results/{result.entry_id}/").status_code == 200
    # the result with its mark and the chain head, then the mark cleared with the audit event
    assert dynamodb_calls == {"BatchGetItem": 1, "TransactWriteItems": 1}
