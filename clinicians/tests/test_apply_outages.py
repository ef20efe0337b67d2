"""A clinician application is two steps, the licence scan to S3 and then the
application with its audit event to DynamoDB. A failure at either is a plain
503 that leaves no application and no orphaned scan, and sending the same
form again stores it once."""

from __future__ import annotations

import contextlib

import pytest
from botocore.exceptions import EndpointConnectionError
from django.conf import settings
from django.core.files.storage import default_storage

from clinicians.tests.support import apply, stored_items
from medisecure import aws as aws_clients
from tests import faults

pytestmark = pytest.mark.django_db


def _bucket_keys() -> list[str]:
    listing = aws_clients.client("s3").list_objects_v2(Bucket=settings.DOCUMENTS_BUCKET)
    return [entry["Key"] for entry in listing.get("Contents", [])]


def _applications() -> list[dict]:
    return [item for item in stored_items() if "status" in item]


def _refuse_transactions(request, operation):
    if operation == "TransactWriteItems":
        raise EndpointConnectionError(endpoint_url=request.url)


@contextlib.contextmanager
def storage_down():
    """The default storage's S3 client (django-storages' own) cannot reach S3."""
    client = default_storage.connection.meta.client

    def hook(request, **kwargs):
        raise EndpointConnectionError(endpoint_url=request.url)

    client.meta.events.register("before-send.s3", hook)
    try:
        yield
    finally:
        client.meta.events.unregister("before-send.s3", hook)


def test_an_application_sent_while_s3_is_down_stores_nothing_and_goes_through_when_sent_again(
    client, aws, outbox
):
    client.raise_request_exception = False

    with storage_down():
        refused = apply(client)

    assert refused.status_code == 503 and refused["Retry-After"]
    assert "Nothing was changed" in refused.content.decode()
    assert _applications() == [] and _bucket_keys() == [] and outbox() == []
    assert apply(client).status_code == 302
    assert len(_applications()) == 1 and len(_bucket_keys()) == 1


def test_an_application_whose_record_cannot_be_written_leaves_no_scan_behind(client, aws, outbox):
    client.raise_request_exception = False

    with faults.at_send("dynamodb", _refuse_transactions):
        refused = apply(client)

    assert refused.status_code == 503
    assert _applications() == [] and _bucket_keys() == [] and outbox() == []
    assert apply(client).status_code == 302
    assert len(_applications()) == 1 and len(_bucket_keys()) == 1
