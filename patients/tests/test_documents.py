"""Patients and their doctors upload documents to S3 and download them
through short-lived links: what is stored, where, how, and what is audited."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

import pytest
import requests
from django.conf import settings

from medisecure import aws
from patients.documents.domain import content_disposition, document_key_of, reference_of, sanitised_file_name
from patients.tests.documents_support import (
    JPEG,
    PDF,
    PNG,
    bucket_keys,
    document_items,
    events_of,
    head,
    link_parameters,
    upload,
)
from tests.support import sign_in

pytestmark = pytest.mark.django_db

STORED_KEY = re.compile(r"files/[0-9a-f]{32}")


@pytest.fixture
def patient_client(client, cast):
    sign_in(client, cast.patient.email)
    return client


@pytest.fixture
def doctor_client(client, cast):
    sign_in(client, cast.doctor.email)
    return client


def _chart(cast, suffix: str = "") -> str:
    return f"/doctor/patients/{cast.patient.sub}/documents/{suffix}"


def test_a_patient_uploads_a_pdf_and_sees_it_listed(patient_client, cast):
    response = patient_client.post("/patient/documents/upload/", {"document": upload("Blood test.pdf")})

    assert response.status_code == 302 and response["Location"] == "/patient/documents/"
    page = patient_client.get("/patient/documents/").content.decode()
    assert "Your document was uploaded." in page
    assert "Blood test.pdf" in page
    (item,) = document_items(cast.patient.sub)
    assert (item["fileName"], item["contentType"], item["size"]) == (
        "Blood test.pdf",
        "application/pdf",
        len(PDF),
    )
    assert item["documentKey"] == f"{item['uploadedAt']}#{item['documentId']}"
    assert (item["uploadedBy"], item["uploaderRole"]) == (cast.patient.sub, "patient")


def test_the_file_goes_to_s3_under_a_key_that_reveals_nothing_encrypted_with_kms_and_no_acl(
    patient_client, cast
):
    patient_client.post("/patient/documents/upload/", {"document": upload("Jordan Example HIV result.pdf")})

    (item,) = document_items(cast.patient.sub)
    (key,) = bucket_keys()
    assert key == f"{settings.DOCUMENTS_KEY_PREFIX}{item['storageKey']}"
    assert STORED_KEY.fullmatch(item["storageKey"])
    assert cast.patient.sub not in key and item["documentId"] not in key
    stored = head(key)
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stored["ContentType"] == "application/pdf"
    grants = aws.client("s3").get_object_acl(Bucket=settings.DOCUMENTS_BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the bucket owner only
    assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants)


def test_the_stored_type_is_the_contents_not_the_senders_claim(patient_client, cast):
    patient_client.post(
        "/patient/documents/upload/", {"document": upload("scan.png", PNG, "application/pdf")}
    )

    (item,) = document_items(cast.patient.sub)
    assert item["contentType"] == "image/png"
    assert head(f"{settings.DOCUMENTS_KEY_PREFIX}{item['storageKey']}")["ContentType"] == "image/png"


def test_an_upload_is_audited_with_identifiers_only(patient_client, cast):
    patient_client.post("/patient/documents/upload/", {"document": upload("Jordan's letter.pdf")})

    (event,) = events_of(cast.patient.sub, "document.upload")
    (item,) = document_items(cast.patient.sub)
    assert (event.outcome, event.patient_id, event.resource_type, event.resource_id) == (
        "allowed",
        cast.patient.sub,
        "document",
        item["documentId"],
    )
    assert event.detail == {"contentType": "application/pdf", "size": len(PDF)}
    assert "letter" not in str(event)


def test_a_doctor_in_the_care_team_uploads_to_the_patients_record(doctor_client, cast):
    response = doctor_client.post(
        _chart(cast, "upload/"), {"document": upload("Referral.jpg", JPEG, "image/jpeg")}
    )

    assert response.status_code == 302 and response["Location"] == _chart(cast)
    (item,) = document_items(cast.patient.sub)
    assert (item["uploadedBy"], item["uploaderRole"], item["contentType"]) == (
        cast.doctor.sub,
        "doctor",
        "image/jpeg",
    )
    page = doctor_client.get(_chart(cast)).content.decode()
    assert "Referral.jpg" in page and "Jordan Example" in page
    (event,) = events_of(cast.doctor.sub, "document.upload")
    assert (event.outcome, event.patient_id) == ("allowed", cast.patient.sub)


def test_a_download_is_a_short_lived_presigned_link_to_an_attachment(patient_client, cast):
    patient_client.post("/patient/documents/upload/", {"document": upload("Résumé médical.pdf")})
    (item,) = document_items(cast.patient.sub)

    response = patient_client.get(f"/patient/documents/{reference_of(item['documentKey'])}/download/")

    assert response.status_code == 302
    link = response["Location"]
    parameters = link_parameters(link)
    assert (
        urlparse(link).path
        == f"/{settings.DOCUMENTS_BUCKET}/{settings.DOCUMENTS_KEY_PREFIX}{item['storageKey']}"
    )
    assert 0 < int(parameters["X-Amz-Expires"]) <= 300
    assert parameters["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert parameters["response-content-type"] == "application/pdf"
    assert parameters["response-content-disposition"] == (
        "attachment; filename=\"Resume medical.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20m%C3%A9dical.pdf"
    )
    fetched = requests.get(link, timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["Content-Disposition"].startswith("attachment;")
    assert unquote(fetched.headers["Content-Disposition"].split("''", 1)[1]) == "Résumé médical.pdf"


def test_a_download_is_audited_before_the_link_is_issued(patient_client, cast):
    patient_client.post("/patient/documents/upload/", {"document": upload()})
    (item,) = document_items(cast.patient.sub)

    patient_client.get(f"/patient/documents/{reference_of(item['documentKey'])}/download/")

    (event,) = events_of(cast.patient.sub, "document.download")
    assert (event.outcome, event.patient_id, event.resource_id) == (
        "allowed",
        cast.patient.sub,
        item["documentId"],
    )


def test_the_doctor_downloads_what_the_patient_uploaded(client, cast):
    sign_in(client, cast.patient.email)
    client.post("/patient/documents/upload/", {"document": upload("Diary.png", PNG, "image/png")})
    (item,) = document_items(cast.patient.sub)
    sign_in(client, cast.doctor.email)

    response = client.get(_chart(cast, f"{reference_of(item['documentKey'])}/download/"))

    assert response.status_code == 302
    assert requests.get(response["Location"], timeout=10).content == PNG
    (event,) = events_of(cast.doctor.sub, "document.download")
    assert (event.outcome, event.patient_id) == ("allowed", cast.patient.sub)


def test_a_download_link_expires_within_the_configured_seconds(patient_client, cast, settings):
    patient_client.post("/patient/documents/upload/", {"document": upload()})
    (item,) = document_items(cast.patient.sub)

    link = patient_client.get(f"/patient/documents/{reference_of(item['documentKey'])}/download/")["Location"]

    assert int(link_parameters(link)["X-Amz-Expires"]) == settings.DOCUMENTS_LINK_SECONDS <= 300


def test_the_list_pages_newest_first_with_a_signed_token(patient_client, cast, monkeypatch):
    monkeypatch.setattr("patients.documents.selectors.PAGE_SIZE", 2)
    for number in range(3):
        patient_client.post("/patient/documents/upload/", {"document": upload(f"result-{number}.pdf")})

    first = patient_client.get("/patient/documents/").content.decode()
    token = re.search(r'href="\?page=([^"]+)"', first).group(1)
    second = patient_client.get(f"/patient/documents/?page={token}").content.decode()

    assert "result-2.pdf" in first and "result-1.pdf" in first and "result-0.pdf" not in first
    assert "result-0.pdf" in second
    assert patient_client.get("/patient/documents/?page=forged").status_code == 404


def test_a_file_name_with_markup_is_shown_sanitised_and_escaped(patient_client, cast):
    patient_client.post(
        "/patient/documents/upload/", {"document": upload("<img src=x onerror=alert(1)>.pdf")}
    )

    (item,) = document_items(cast.patient.sub)
    page = patient_client.get("/patient/documents/").content.decode()
    assert item["fileName"] == "img srcx onerroralert(1).pdf"
    assert "<img" not in page


def test_file_names_are_sanitised_for_showing_and_downloading():
    assert sanitised_file_name("  report\u202e fdp.exe.pdf ", "application/pdf") == "report fdp.exe.pdf"
    assert sanitised_file_name("photo", "image/jpeg") == "photo.jpg"
    assert sanitised_file_name("scan.JPEG", "image/jpeg") == "scan.jpeg"
    assert sanitised_file_name("...", "application/pdf") == "document.pdf"
    assert sanitised_file_name("x" * 300 + ".png", "image/png") == "x" * 100 + ".png"
    assert (
        content_disposition('a"b;c.pdf') == "attachment; filename=\"abc.pdf\"; filename*=UTF-8''a%22b%3Bc.pdf"
    )


def test_a_reference_names_exactly_one_document_key():
    key = "2026-11-30T00:26:22.123456Z#" + "a" * 32

    assert document_key_of(reference_of(key)) == key
    for forged in ("", "x", reference_of(key) + "0", reference_of(key).upper(), "../" + reference_of(key)):
        assert document_key_of(forged) is None
