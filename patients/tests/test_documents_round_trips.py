"""DynamoDB round trips of the documents pages, counted at botocore's send
hook, whatever the number of documents."""

import pytest

from patients.documents.domain import reference_of
from patients.tests.documents_support import document_items, upload
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_documents(client, cast, monkeypatch):
    monkeypatch.setattr("patients.documents.selectors.PAGE_SIZE", 3)
    sign_in(client, cast.patient.email)
    for number in range(5):
        client.post("/patient/documents/upload/", {"document": upload(f"result-{number}.pdf")})


def test_the_patients_documents_list_costs_two_round_trips(client, cast, many_documents, dynamodb_calls):
    dynamodb_calls.clear()

    assert client.get("/patient/documents/").status_code == 200

    # one page of the documents, and the audit append
    assert dynamodb_calls == {"Query": 1, "TransactWriteItems": 1}


def test_the_charts_documents_tab_costs_three_round_trips(client, cast, many_documents, dynamodb_calls):
    sign_in(client, cast.doctor.email)
    dynamodb_calls.clear()

    assert client.get(f"/doctor/patients/{cast.patient.sub}/documents/").status_code == 200

    # the chart access read (patient, care-team link, emergency grant... in
    # one batch), one page of the documents, and the audit append
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 1, "TransactWriteItems": 1}


def test_an_upload_costs_one_round_trip(client, cast, many_documents, dynamodb_calls):
    dynamodb_calls.clear()

    client.post("/patient/documents/upload/", {"document": upload()})

    # the metadata and its audit event, together
    assert dynamodb_calls == {"TransactWriteItems": 1}


def test_a_download_costs_two_round_trips(client, cast, many_documents, dynamodb_calls):
    reference = reference_of(document_items(cast.patient.sub)[0]["documentKey"])
    dynamodb_calls.clear()

    assert client.get(f"/patient/documents/{reference}/download/").status_code == 302

    # the document's metadata, and the audit append
    assert dynamodb_calls == {"GetItem": 1, "TransactWriteItems": 1}
