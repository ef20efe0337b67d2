"""Bad input on the application form gets a message on its field and changes
nothing: no application, no scan in S3, no email."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clinicians.applications.domain import LICENCE_SCAN_MAX_BYTES
from clinicians.tests.support import JPEG, PDF, PNG, apply, stored_items
from medisecure import aws as aws_clients
from medisecure.uploads import OversizedUpload

pytestmark = pytest.mark.django_db


def _nothing_stored(outbox):
    listing = aws_clients.client("s3").list_objects_v2(Bucket=settings.DOCUMENTS_BUCKET)
    return stored_items() == [] and listing.get("KeyCount", 0) == 0 and outbox() == []


def _refused(response, field):
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page  # the message sits with its field (aria-describedby names it)
    return errors[field][0]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("licence.pdf", b"MZ\x90\x00 this is a Windows program", "application/pdf"),
        ("licence.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("licence.jpg", b"GIF89a\x01\x00\x01\x00", "image/jpeg"),
        ("licence.pdf", b"", "application/pdf"),
    ],
    ids=["program-named-pdf", "html-named-png", "gif-named-jpg", "empty"],
)
def test_it_judges_the_scan_by_its_content_not_its_name(client, aws, outbox, name, content, content_type):
    response = apply(client, licence_scan=SimpleUploadedFile(name, content, content_type=content_type))

    message = _refused(response, "licence_scan")
    assert "PDF, JPEG or PNG" in message or "empty" in message
    assert _nothing_stored(outbox)


@pytest.mark.parametrize(
    ("name", "content", "stored_type"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("no-extension", PNG, "image/png"),
        ("claims-pdf.pdf", PNG, "image/png"),
    ],
)
def test_it_accepts_pdf_jpeg_and_png_and_stores_the_type_the_content_shows(
    client, aws, name, content, stored_type
):
    response = apply(
        client, licence_scan=SimpleUploadedFile(name, content, content_type="application/octet-stream")
    )

    assert response.status_code == 302
    [item] = [item for item in stored_items() if "status" in item]
    assert item["scanContentType"] == stored_type


def test_it_refuses_a_scan_over_the_size_limit_without_keeping_it(client, aws, outbox):
    too_big = PDF + b"0" * LICENCE_SCAN_MAX_BYTES

    response = apply(
        client, licence_scan=SimpleUploadedFile("licence.pdf", too_big, content_type="application/pdf")
    )

    assert "larger than 5 MB" in _refused(response, "licence_scan")
    # The cap stopped keeping the bytes while the request was read: the form
    # got a stand-in that knows only the size.
    kept = response.context["form"].files["licence_scan"]
    assert isinstance(kept, OversizedUpload) and kept.size == len(too_big)
    assert _nothing_stored(outbox)


def test_a_scan_of_exactly_the_limit_is_accepted(client, aws):
    exactly = PDF + b"0" * (LICENCE_SCAN_MAX_BYTES - len(PDF))

    response = apply(
        client, licence_scan=SimpleUploadedFile("licence.pdf", exactly, content_type="application/pdf")
    )

    assert response.status_code == 302


def test_it_refuses_a_licence_that_has_expired(client, aws, outbox):
    yesterday = timezone.localdate() - timedelta(days=1)

    response = apply(client, licence_expiry=yesterday.isoformat())

    assert "expired" in _refused(response, "licence_expiry")
    assert _nothing_stored(outbox)


def test_a_licence_expiring_today_is_still_valid(client, aws):
    assert apply(client, licence_expiry=timezone.localdate().isoformat()).status_code == 302


@pytest.mark.parametrize(
    "email", ["not-an-email", "avery@", "@example.com", "avery@example", "a b@example.com"]
)
def test_it_refuses_a_malformed_email(client, aws, outbox, email):
    response = apply(client, email=email)

    assert "email address like" in _refused(response, "email")
    assert _nothing_stored(outbox)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", "Av\x00ery"),
        ("family_name", "Appl\x1bicant"),
        ("licence_region", "New\u202eYork"),  # right-to-left override
        ("statement", "Hello\x07 there"),
        ("given_name", "Avery\u200b"),  # zero-width space
    ],
    ids=["nul", "escape", "rtl-override", "bell-in-statement", "zero-width-space"],
)
def test_it_refuses_control_characters(client, aws, outbox, field, value):
    response = apply(client, **{field: value})

    message = _refused(response, field)
    assert "control characters" in message or "Null characters" in message
    assert _nothing_stored(outbox)


def test_the_statement_may_have_line_breaks(client, aws):
    assert apply(client, statement="First line.\r\nSecond line.\tIndented.").status_code == 302


@pytest.mark.parametrize("npi", ["1234567890", "1234567894", "12345 67890"])
def test_it_refuses_an_npi_whose_check_digit_is_wrong(client, aws, outbox, npi):
    response = apply(client, npi=npi)

    assert "check digit" in _refused(response, "npi")
    assert _nothing_stored(outbox)


@pytest.mark.parametrize(
    ("entered", "stored"), [("", None), ("1234 567 893", "1234567893"), ("gmc-7012345", "GMC-7012345")]
)
def test_the_npi_is_optional_and_other_national_numbers_are_accepted(client, aws, entered, stored):
    assert apply(client, npi=entered).status_code == 302

    [item] = [item for item in stored_items() if "status" in item]
    assert item.get("npi") == stored


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("phone", "call me maybe", "phone number"),
        ("phone", "12345", "phone number"),
        ("years_of_practice", "-1", "greater than or equal to 0"),
        ("years_of_practice", "eight", "whole number"),
        ("specialty", "Astrology", "valid choice"),
        ("licence_number", "<script>", "letters, digits"),
        ("licence_expiry", "31/12/2030", "expiry date"),
        ("statement", "x" * 2001, "at most 2000"),
        ("given_name", "", "required"),
        ("licence_scan", None, "Choose the file"),
    ],
)
def test_it_puts_each_problem_on_its_own_field(client, aws, outbox, field, value, words):
    response = apply(client, **{field: value})

    assert words in _refused(response, field)
    assert _nothing_stored(outbox)


def test_the_form_keeps_what_was_typed_when_it_is_refused(client, aws):
    response = apply(client, npi="1234567890")

    page = response.content.decode()
    assert 'value="Avery"' in page and 'value="MD-204518"' in page
    assert "Please check your application" in page
