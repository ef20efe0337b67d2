"""When S3 or DynamoDB fails part-way: uploads and downloads fail with a
plain message and leave nothing half-made; the list still renders; a file
left behind is invisible and the operator's sweep removes it."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from patients.documents.domain import reference_of
from patients.tests.documents_support import (
    bucket_keys,
    document_items,
    events_of,
    s3_down,
    storage_send,
    upload,
)
from tests.faults import SimulatedCrash, at_send, json_error
from tests.support import sign_in

pytestmark = pytest.mark.django_db

PLAIN_MESSAGE = "The document store is not answering just now"


@pytest.fixture
def patient_client(client, cast):
    sign_in(client, cast.patient.email)
    return client


def _uploaded(client, cast, name="Letter.pdf") -> dict:
    assert client.post("/patient/documents/upload/", {"document": upload(name)}).status_code == 302
    return document_items(cast.patient.sub)[-1]


def _transactions_fail(request, operation):
    if operation == "TransactWriteItems":
        return json_error(request, status=500, code="InternalServerError", message="injected")
    return None


def _assert_plain_failure(response):
    page = response.content.decode()
    assert response.status_code == 503
    assert "Traceback" not in page and "botocore" not in page and "Endpoint" not in page


def test_an_upload_while_s3_is_down_fails_plainly_and_stores_nothing(patient_client, cast):
    with storage_send(s3_down):
        response = patient_client.post("/patient/documents/upload/", {"document": upload()})

    _assert_plain_failure(response)
    assert PLAIN_MESSAGE in response.content.decode()
    assert bucket_keys() == [] and document_items(cast.patient.sub) == []
    (event,) = events_of(cast.patient.sub, "document.upload")
    assert (event.outcome, event.detail) == ("failed", {"reason": "storage_unavailable"})


def test_a_download_while_s3_is_down_fails_plainly_with_no_link(patient_client, cast):
    item = _uploaded(patient_client, cast)

    with storage_send(s3_down):
        response = patient_client.get(f"/patient/documents/{reference_of(item['documentKey'])}/download/")

    _assert_plain_failure(response)
    assert PLAIN_MESSAGE in response.content.decode() and "Location" not in response
    (event,) = events_of(cast.patient.sub, "document.download")
    assert (event.outcome, event.detail) == ("failed", {"reason": "storage_unavailable"})


def test_the_list_renders_while_s3_is_down(patient_client, cast):
    _uploaded(patient_client, cast, "Still listed.pdf")
    touched = []

    def record_and_fail(request, operation):
        touched.append(operation)
        return s3_down(request, operation)

    with storage_send(record_and_fail), at_send("s3", record_and_fail):
        response = patient_client.get("/patient/documents/")

    assert response.status_code == 200 and "Still listed.pdf" in response.content.decode()
    assert touched == []


def test_no_link_is_issued_when_the_download_cannot_be_audited(patient_client, cast):
    item = _uploaded(patient_client, cast)

    with at_send("dynamodb", _transactions_fail):
        response = patient_client.get(f"/patient/documents/{reference_of(item['documentKey'])}/download/")

    assert response.status_code == 503 and "Location" not in response
    assert "X-Amz-Signature" not in response.content.decode()


def test_a_failure_between_s3_and_dynamodb_removes_the_stored_file(patient_client, cast, caplog):
    with at_send("dynamodb", _transactions_fail), caplog.at_level(logging.INFO):
        response = patient_client.post("/patient/documents/upload/", {"document": upload("Jordan HIV.pdf")})

    _assert_plain_failure(response)
    assert bucket_keys() == [] and document_items(cast.patient.sub) == []
    assert "Jordan" not in caplog.text and "HIV" not in caplog.text


def test_a_file_left_by_a_crash_is_invisible_and_the_sweep_removes_it(patient_client, cast, clock):
    kept = _uploaded(patient_client, cast, "Kept.pdf")

    def crash(request, operation):
        if operation in ("TransactWriteItems", "DeleteObject"):
            raise SimulatedCrash(operation)

    with at_send("dynamodb", crash), at_send("s3", crash), pytest.raises(SimulatedCrash):
        patient_client.post("/patient/documents/upload/", {"document": upload("Orphan.pdf")})

    assert len(bucket_keys()) == 2 and document_items(cast.patient.sub) == [kept]
    page = patient_client.get("/patient/documents/").content.decode()
    assert "Orphan.pdf" not in page and "Kept.pdf" in page

    output = io.StringIO()
    call_command("documents_sweep", stdout=output)  # the orphan is too young yet
    assert len(bucket_keys()) == 2
    clock.advance(minutes=61)
    call_command("documents_sweep", stdout=output)

    assert bucket_keys() == [f"documents/{kept['storageKey']}"]
    assert "removed 1 with no document record" in output.getvalue()
    (event,) = [
        event for event in events_of("system:documents_sweep", "document.sweep") if event.detail["removed"]
    ]
    assert event.detail == {"checked": 2, "removed": 1, "olderThanMinutes": 60}


def test_the_sweep_leaves_recorded_documents_and_other_prefixes_alone(patient_client, cast, clock):
    kept = _uploaded(patient_client, cast)
    default_storage.save("licence-scans/" + "a" * 32, ContentFile(b"%PDF-1.4 licence"))
    clock.advance(days=2)

    call_command("documents_sweep", "--older-than-minutes", "0", stdout=io.StringIO())

    assert sorted(bucket_keys()) == sorted(
        [f"documents/{kept['storageKey']}", "documents/licence-scans/" + "a" * 32]
    )
