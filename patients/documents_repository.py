"""Every storage call for documents: their metadata in the documents table
(DynamoDB) and their bytes in S3 (django-storages' "documents" storage, plus
the project's S3 client for the operator's orphan sweep).

The metadata write is returned as a TransactWriteItems entry, to be stored
together with its audit event."""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from boto3.dynamodb.conditions import Attr, Key
from django.conf import settings
from django.core.files.storage import storages

from medisecure import aws, dynamo
from medisecure.storage import StoredNameTaken
from medisecure.tables import DOCUMENTS
from patients.documents_domain import STORED_NAME_PREFIX, Document

__all__ = ["StoredNameTaken"]

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


def add_entry(document: Document) -> dict:
    """Record a new document; refused if its key is somehow taken."""
    return {
        "Put": {
            "TableName": dynamo.name(DOCUMENTS),
            "Item": dynamo.to_item(_values(document)),
            **dynamo.condition_kwargs(Attr("patientId").not_exists()),
        }
    }


def get(patient_id: str, document_key: str) -> Document | None:
    values = dynamo.get(DOCUMENTS, {"patientId": patient_id, "documentKey": document_key})
    return _document_from(values) if values else None


def of_patient(
    patient_id: str, *, limit: int, page_token: str | None = None
) -> tuple[list[Document], str | None]:
    """One page of a patient's documents, newest first."""
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
            DOCUMENTS, Key("patientId").eq(patient_id), limit=200, start_key=start_key, newest_first=True
        )
        documents += [_document_from(item) for item in items]
        if not start_key:
            return documents


def is_recorded(storage_key: str) -> bool:
    """Whether any document's metadata names this stored object."""
    page = dynamo.query_page(
        DOCUMENTS,
        Key("storageKey").eq(storage_key),
        index="StorageKeyIndex",
        list_name=f"documents-stored:{storage_key}",
        limit=1,
    )
    return bool(page.items)


# --- Bytes (S3) --------------------------------------------------------------


def _storage():
    return storages["documents"]


def file_store(stored_name: str, upload, *, content_type: str) -> None:
    """Write the upload's bytes under `stored_name`, never over an object
    already there (StoredNameTaken). SSE-KMS and no ACL: see STORAGES."""
    # S3 serves the object as the type its content showed, not as claimed.
    upload.content_type = content_type
    _storage().save(stored_name, upload)


def file_exists(stored_name: str) -> bool:
    return _storage().exists(stored_name)


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
