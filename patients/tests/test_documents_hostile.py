"""Hostile uploads on every upload page (tests/upload_endpoints.py): each is
refused with a message on the file field, before anything reaches S3 or
DynamoDB."""

from __future__ import annotations

import re
import zlib

import pytest

from patients.tests.documents_support import (
    EXE,
    HTML,
    PDF,
    SVG,
    bucket_keys,
    document_items,
    multipart,
    table_count,
)
from tests.support import sign_in
from tests.upload_endpoints import UPLOAD_ENDPOINTS

pytestmark = pytest.mark.django_db

HOSTILE_FILES = {
    "html_renamed_pdf": ("results.pdf", HTML, "application/pdf"),
    "svg_renamed_pdf": ("results.pdf", SVG, "application/pdf"),
    "svg_renamed_png": ("scan.png", SVG, "image/png"),
    "exe_renamed_pdf": ("results.pdf", EXE, "application/pdf"),
    "zero_bytes": ("results.pdf", b"", "application/pdf"),
    # Active content (issue 16 §5): PDFs that run something when opened,
    # and files that a browser would also read as a page or an SVG.
    "pdf_with_javascript": (
        "results.pdf",
        PDF + b"<< /S /JavaScript /JS (app.alert(1)) >>",
        "application/pdf",
    ),
    "pdf_with_open_action": (
        "results.pdf",
        PDF + b"<< /Type /Catalog /OpenAction 3 0 R >>",
        "application/pdf",
    ),
    "pdf_with_launch": ("results.pdf", PDF + b"<< /S /Launch /F (cmd.exe) >>", "application/pdf"),
    "pdf_with_escaped_name": ("results.pdf", PDF + b"<< /S /J#61vaScript >>", "application/pdf"),
    "pdf_with_compressed_action": (
        "results.pdf",
        PDF
        + b"4 0 obj << /Filter /FlateDecode >> stream\n"
        + zlib.compress(b"<< /OpenAction 5 0 R >>")
        + b"\nendstream",
        "application/pdf",
    ),
    "pdf_that_is_also_html": (
        "results.pdf",
        PDF + b"<html><script>alert(1)</script></html>",
        "application/pdf",
    ),
    "png_that_is_also_svg": (
        "scan.png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        "image/png",
    ),
}
# Names that point out of wherever a file is put, as a hostile client sends
# them (browsers strip folders themselves). The server's parser strips
# literal slashes too; what survives it is refused by the form.
TRAVERSAL_NAMES = (
    "..%2F..%2Fetc%2Fpasswd.pdf",
    "..\u2215..\u2215etc\u2215passwd.pdf",
    "C:evil.pdf",
    "....pdf",
)


def _post(client, cast, endpoint, file_name, content, content_type):
    body, header = multipart(
        endpoint.other_fields(),
        file_field=endpoint.file_field,
        file_name=file_name,
        content=content,
        content_type=content_type,
    )
    return client.post(endpoint.path(cast), data=body, content_type=header)


def _signed_in(client, cast, endpoint):
    if endpoint.actor:
        sign_in(client, getattr(cast, endpoint.actor).email)
    return client


def _assert_refused(response, endpoint):
    assert response.status_code == 200, (
        response.status_code
    )  # the form again with its errors, never a redirect
    page = response.content.decode()
    assert 'class="field field-error"' in page and f'id="id_{endpoint.file_field}_error"' in page
    assert re.search(rf'aria-describedby="[^"]*\bid_{endpoint.file_field}_error\b', page)
    assert "Traceback" not in page
    assert bucket_keys() == []
    assert table_count(endpoint.table) == 0


@pytest.mark.parametrize("case", HOSTILE_FILES, ids=str)
@pytest.mark.parametrize("endpoint", UPLOAD_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_it_refuses_a_hostile_file_before_storing_anything(client, cast, endpoint, case):
    _signed_in(client, cast, endpoint)

    response = _post(client, cast, endpoint, *HOSTILE_FILES[case])

    _assert_refused(response, endpoint)


@pytest.mark.parametrize("endpoint", UPLOAD_ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_it_refuses_a_file_over_the_limit_before_storing_anything(client, cast, endpoint):
    _signed_in(client, cast, endpoint)
    oversized = PDF + bytes(endpoint.max_bytes() - len(PDF) + 1)

    response = _post(client, cast, endpoint, "big.pdf", oversized, "application/pdf")

    _assert_refused(response, endpoint)
    assert "larger than" in response.content.decode()


@pytest.mark.parametrize("file_name", TRAVERSAL_NAMES)
@pytest.mark.parametrize(
    "endpoint", [endpoint for endpoint in UPLOAD_ENDPOINTS if endpoint.shows_file_name], ids=lambda e: e.name
)
def test_it_refuses_a_file_name_that_points_elsewhere(client, cast, endpoint, file_name):
    _signed_in(client, cast, endpoint)

    response = _post(client, cast, endpoint, file_name, PDF, "application/pdf")

    _assert_refused(response, endpoint)


def test_folders_in_a_file_name_never_reach_the_store_or_the_page(client, cast):
    sign_in(client, cast.patient.email)
    body, header = multipart(
        {},
        file_field="document",
        file_name="../../../etc/passwd.pdf",
        content=PDF,
        content_type="application/pdf",
    )

    client.post("/patient/documents/upload/", data=body, content_type=header)

    (item,) = document_items(cast.patient.sub)
    assert item["fileName"] == "passwd.pdf"
    (key,) = bucket_keys()
    assert "passwd" not in key and ".." not in key


def test_a_file_whose_name_and_content_disagree_is_refused(client, cast):
    sign_in(client, cast.patient.email)
    body, header = multipart(
        {}, file_field="document", file_name="photo.jpg", content=PDF, content_type="image/jpeg"
    )

    response = client.post("/patient/documents/upload/", data=body, content_type=header)

    assert response.status_code == 200
    assert "name says JPEG image but it is a PDF" in response.content.decode()
    assert bucket_keys() == [] and table_count("documents") == 0
