"""Helpers for the documents tests: files good and hostile, reading back
what S3 and the documents table hold, and faults at the documents storage's
own send boundary (django-storages builds its own S3 client)."""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qs, urlparse

from boto3.dynamodb.conditions import Key
from botocore.exceptions import EndpointConnectionError
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from audit import repository as audit_log
from medisecure import aws, dynamo
from medisecure.tables import DOCUMENTS

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)


def upload(name: str = "lab-result.pdf", content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def bucket_keys() -> list[str]:
    listing = aws.client("s3").list_objects_v2(Bucket=settings.DOCUMENTS_BUCKET)
    return [entry["Key"] for entry in listing.get("Contents", [])]


def head(key: str) -> dict:
    return aws.client("s3").head_object(Bucket=settings.DOCUMENTS_BUCKET, Key=key)


def document_items(patient_id: str) -> list[dict]:
    page = dynamo.query_page(DOCUMENTS, Key("patientId").eq(patient_id), list_name="test", limit=100)
    return page.items


def events_of(user_id: str, action: str) -> list:
    events, _ = audit_log.list_by("userId", user_id)
    return [event for event in events if event.action == action]


def link_parameters(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}


@contextlib.contextmanager
def storage_send(handler):
    """Run `handler(request, operation)` before each request the documents
    storage sends to S3 (its client is django-storages' own, per thread)."""
    client = storages["documents"].connection.meta.client

    def hook(request, event_name, **kwargs):
        return handler(request, event_name.rsplit(".", 1)[-1])

    client.meta.events.register("before-send.s3", hook)
    try:
        yield
    finally:
        client.meta.events.unregister("before-send.s3", hook)


def s3_down(request, operation):
    raise EndpointConnectionError(endpoint_url=request.url)


def multipart(fields: dict, *, file_field: str, file_name: str, content: bytes, content_type: str):
    """A multipart body sent exactly as given: Django's test client would
    strip folders from the file name before sending it, as browsers do, and
    a hostile client does not. Returns (body, content type header)."""
    boundary = "----medisecure-test-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def table_count(table_name: str) -> int:
    """Items in a table (a test's look at everything, never a request's)."""
    from medisecure.tables import TABLES

    (table,) = [table for table in TABLES if table.name == table_name]
    return dynamo.client().scan(TableName=dynamo.name(table), Select="COUNT")["Count"]
