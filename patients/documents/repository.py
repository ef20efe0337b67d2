"""Every storage call for documents: their metadata in the documents table
(DynamoDB) and their bytes in S3 (django-storages' "documents" storage, plus
the project's S3 client for the operator's orphan sweep).

The metadata write is added to a unit of work (medisecure.unit_of_work),
to land with its audit event. S3 failing is answered here, as
DocumentStorageUnavailable: nothing above knows botocore."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import storages

from medisecure import aws, dynamo
from medisecure.storage import StoredNameTaken
from medisecure.tables import DOCUMENTS
from medisecure.unit_of_work import Transaction
from patients.documents.domain import STORED_NAME_PREFIX, Document, DocumentExists, DocumentStorageUnavailable

logger = logging.getLogger(__name__)

STORAGE_KEY_INDEX = "StorageKeyIndex"
EXPORT_PAGE = 200

_ATTRIBUTES = {
    "patient_id": "patientId",
    "document_id": "documentId",
    "uploaded_at": "uploadedAt",
    "file_name": "fileName",
    "content_type": "contentType",
    "size": "size",
    "storage_key": "storageKey",
    "uploaded_by": "uploadedBy",
    "uploader_role": "uploaderRole",
}


def _values(document: Document) -> dict:
    values = {attribute: getattr(document, name) for name, attribute in _ATTRIBUTES.items()}
    values["documentKey"] = document.document_key
    return values


def _document_from(values: dict) -> Document:
    fields = {name: values.get(attribute, "") for name, attribute in _ATTRIBUTES.items()}
    fields["size"] = int(values.get("size", 0))
    return Document(**fields)


# --- Metadata (DynamoDB) -----------------------------------------------------


def document_add(tx: Transaction, document: Document) -> None:
    """Record a new document; refused if its key is somehow taken."""
    tx.add(
        dynamo.put_entry(DOCUMENTS, _values(document), Attr("patientId").not_exists()),
        refused=DocumentExists,
    )


def get(patient_id: str, document_key: str) -> Document | None:
    values = dynamo.get(DOCUMENTS, {"patientId": patient_id, "documentKey": document_key})
    return _document_from(values) if values else None


def document_read(patient_id: str, document_key: str) -> dynamo.ItemRead[Document | None]:
    """A document's metadata, to read in one round trip with other items."""
    return dynamo.ItemRead(
        DOCUMENTS,
        {"patientId": patient_id, "documentKey": document_key},
        lambda values: _document_from(values) if values else None,
    )


def of_patient(
    patient_id: str, *, limit: int, page_token: str | None = None
) -> tuple[list[Document], str | None]:
    """One page of a patient's documents, newest first. Raises
    dynamo.InvalidPageToken for a token not issued for this list."""
    page = dynamo.query_page(
        DOCUMENTS,
        Key("patientId").eq(patient_id),
        list_name=f"documents:{patient_id}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_document_from(item) for item in page.items], page.next_token


def all_of_patient(patient_id: str) -> list[Document]:
    """Every document of a patient, newest first (the record export)."""
    documents: list[Document] = []
    start_key = None
    while True:
        items, start_key = dynamo.query(
            DOCUMENTS,
            Key("patientId").eq(patient_id),
            limit=EXPORT_PAGE,
            start_key=start_key,
            newest_first=True,
        )
        documents += [_document_from(item) for item in items]
        if not start_key:
            return documents


def is_recorded(storage_key: str) -> bool:
    """Whether any document's metadata names this stored object."""
    page = dynamo.query_page(
        DOCUMENTS,
        Key("storageKey").eq(storage_key),
        index=STORAGE_KEY_INDEX,
        list_name=f"documents-stored:{storage_key}",
        limit=1,
    )
    return bool(page.items)


# --- Bytes (S3) --------------------------------------------------------------


def _storage():
    return storages["documents"]


def file_store(stored_name: str, upload, *, content_type: str) -> None:
    """Write the upload's bytes under `stored_name`, never over an object
    already there. SSE-KMS and no ACL: see STORAGES. Raises
    DocumentStorageUnavailable when S3 fails or the name is taken."""
    # S3 serves the object as the type its content showed, not as claimed.
    upload.content_type = content_type
    try:
        _storage().save(stored_name, upload)
    except (BotoCoreError, ClientError, StoredNameTaken) as error:
        raise DocumentStorageUnavailable(type(error).__name__) from error


def file_exists(stored_name: str) -> bool:
    """Raises DocumentStorageUnavailable when S3 does not answer."""
    try:
        return _storage().exists(stored_name)
    except (BotoCoreError, ClientError) as error:
        raise DocumentStorageUnavailable(type(error).__name__) from error


def file_discard(stored_name: str) -> None:
    """Remove a stored file, as best it can: a file left behind has no
    metadata, so no one can reach it, and the sweep removes it."""
    try:
        stored_remove(stored_name)
    except (BotoCoreError, ClientError):
        logger.warning("an unrecorded document file was left for the sweep")


def file_link(stored_name: str, *, content_type: str, disposition: str, expires_seconds: int) -> str:
    """A presigned GET that stops working after `expires_seconds`, answering
    with the given type and disposition whatever the object says."""
    return _storage().url(
        stored_name,
        parameters={
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": "no-store",
        },
        expire=expires_seconds,
    )


def _bucket_prefix() -> str:
    return f"{settings.DOCUMENTS_KEY_PREFIX}{STORED_NAME_PREFIX}"


def stored_before(moment: datetime) -> Iterator[str]:
    """Names of document objects last written before `moment`, by listing
    the documents prefix (for the operator's sweep, never a request)."""
    prefix = settings.DOCUMENTS_KEY_PREFIX
    paginator = aws.client("s3").get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=settings.DOCUMENTS_BUCKET, Prefix=_bucket_prefix()):
        for entry in page.get("Contents", ()):
            if entry["LastModified"] < moment:
                yield entry["Key"][len(prefix) :]


def stored_remove(stored_name: str) -> None:
    aws.client("s3").delete_object(
        Bucket=settings.DOCUMENTS_BUCKET, Key=f"{settings.DOCUMENTS_KEY_PREFIX}{stored_name}"
    )
