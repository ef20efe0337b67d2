"""Documents use cases: listing, uploading and downloading a patient's
documents, for the patient themselves or a doctor who may open their chart.

A patient acts only on their own documents: their id always comes from the
signed-in user. A doctor names the patient in the URL, and is answered 404
(the denial audited) unless the chart's access rule lets them in (the care
team, or a live emergency grant); their events say which.

An upload stores the file in S3 first, then its metadata and audit event in
one TransactWriteItems. If that transaction fails, the object is removed
again; if the removal fails too, the object has no metadata, so nobody can
list or download it, and `manage.py documents_sweep` deletes it later."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import IO

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.http import Http404

from audit.domain import ALLOWED, DENIED, FAILED
from audit.services import Actor, actor_of, audit_record
from medisecure import clock
from patients import documents_repository as repository
from patients.chart_access import ChartAccess, chart_patient_for_clinician
from patients.documents_domain import (
    PAGE_SIZE,
    UPLOADED_AT_FORMAT,
    Document,
    content_disposition,
    document_key_of,
    new_document_id,
    new_stored_name,
)

logger = logging.getLogger(__name__)

RESOURCE = "document"


class DocumentStorageUnavailable(Exception):
    """S3 could not be reached (or refused); nothing was stored or issued."""


class UploadRefused(Exception):
    """The upload form refused the file; nothing was stored."""


@dataclass(frozen=True)
class DocumentUpload:
    """A file the upload form accepted: its type as its content showed and
    its sanitised name."""

    file: IO[bytes]
    content_type: str
    file_name: str
    size: int


@dataclass(frozen=True)
class DocumentList:
    patient_id: str
    chart: ChartAccess | None  # how a doctor sees the chart; None on the patient's own
    documents: list[Document]
    next_page: str | None


# --- Who may act on whose documents ----------------------------------------


def _doctor_may_open_chart(*, request, patient_id: str) -> ChartAccess:
    """The doctor-side access check for documents: the chart's own rule
    (patients.chart_access), which raises Http404 after auditing the denial."""
    return chart_patient_for_clinician(actor=actor_of(request), patient_id=patient_id, request=request)


def _own_patient_id(request) -> str:
    return request.user.username


def _audit(
    request, action: str, patient_id: str, *, outcome: str, resource_id: str = "", detail: dict | None = None,
    access: ChartAccess | None = None, **kwargs,
):
    """One documents event. A doctor's names how they may see the chart, and
    goes on the audit chain head read with it (one event per request)."""
    if access is not None:
        detail = {**(detail or {}), **access.audit_detail}
        kwargs.setdefault("head", access.head)
    return audit_record(
        request=request,
        action=action,
        outcome=outcome,
        resource_type=RESOURCE,
        resource_id=resource_id,
        patient_id=patient_id,
        detail=detail,
        **kwargs,
    )


# --- Listing -------------------------------------------------------------------


def own_documents_view(*, request, page_token: str | None) -> DocumentList:
    """One page of the signed-in patient's documents, newest first: one
    Query and the audit event."""
    patient_id = _own_patient_id(request)
    return _documents_page(request, patient_id, page_token=page_token, access=None)


def chart_documents_view(*, request, patient_id: str, page_token: str | None) -> DocumentList:
    """One page of a patient's documents for a doctor who may open the chart:
    the chart access read, one Query and the audit event."""
    access = _doctor_may_open_chart(request=request, patient_id=patient_id)
    return _documents_page(request, patient_id, page_token=page_token, access=access)


def _documents_page(request, patient_id: str, *, page_token: str | None, access: ChartAccess | None) -> DocumentList:
    documents, next_page = repository.of_patient(patient_id, limit=PAGE_SIZE, page_token=page_token)
    _audit(request, "document.list", patient_id, outcome=ALLOWED, detail={"count": len(documents)}, access=access)
    return DocumentList(patient_id=patient_id, chart=access, documents=documents, next_page=next_page)


# --- Uploading -----------------------------------------------------------------


def own_document_upload(*, request, upload: DocumentUpload) -> Document:
    return _upload(request, _own_patient_id(request), upload, access=None)


def chart_document_upload(*, request, patient_id: str, upload: DocumentUpload | None) -> Document:
    """`upload` is None when the form refused the file: the access check
    still comes first, so a doctor with no relationship to the patient
    learns nothing, not even whether their file would have passed."""
    access = _doctor_may_open_chart(request=request, patient_id=patient_id)
    if upload is None:
        raise UploadRefused
    return _upload(request, patient_id, upload, access=access)


def _upload(request, patient_id: str, upload: DocumentUpload, *, access: ChartAccess | None) -> Document:
    """Store the file, then its metadata with the audit event. Raises
    DocumentStorageUnavailable when S3 fails (nothing stored), or the audit
    failure when DynamoDB does (the stored file is removed again)."""
    document = Document(
        patient_id=patient_id,
        document_id=new_document_id(),
        uploaded_at=clock.now().astimezone(timezone.utc).strftime(UPLOADED_AT_FORMAT),
        file_name=upload.file_name,
        content_type=upload.content_type,
        size=upload.size,
        storage_key=new_stored_name(),
        uploaded_by=request.user.username,
        uploader_role=request.user.role or "",
    )
    try:
        repository.file_store(document.storage_key, upload.file, content_type=document.content_type)
    except (BotoCoreError, ClientError, repository.StoredNameTaken) as error:
        logger.warning("document upload not stored (request %s): %s", request.request_id, type(error).__name__)
        _audit(
            request, "document.upload", patient_id, outcome=FAILED, detail={"reason": "storage_unavailable"},
            access=access,
        )
        raise DocumentStorageUnavailable from error
    try:
        _audit(
            request,
            "document.upload",
            patient_id,
            outcome=ALLOWED,
            resource_id=document.document_id,
            detail={"contentType": document.content_type, "size": document.size},
            access=access,
            with_writes=[repository.add_entry(document)],
        )
    except Exception:
        _discard(document.storage_key)
        raise
    return document


def _discard(stored_name: str) -> None:
    """Best effort: a file left behind has no metadata, so no one can reach
    it, and the sweep removes it."""
    try:
        repository.stored_remove(stored_name)
    except (BotoCoreError, ClientError):
        logger.warning("an unrecorded document file was left for the sweep")


# --- Downloading ---------------------------------------------------------------


def own_document_link(*, request, reference: str) -> str:
    return _link(request, _own_patient_id(request), reference, access=None)


def chart_document_link(*, request, patient_id: str, reference: str) -> str:
    access = _doctor_may_open_chart(request=request, patient_id=patient_id)
    return _link(request, patient_id, reference, access=access)


def _link(request, patient_id: str, reference: str, *, access: ChartAccess | None) -> str:
    """A presigned link to the document, issued after the access check and
    only once its download is audited. A reference that names no document
    of this patient is a 404, audited."""
    document_key = document_key_of(reference)
    document = repository.get(patient_id, document_key) if document_key else None
    if document is None:
        _audit(request, "document.download", patient_id, outcome=DENIED, detail={"reason": "not_found"}, access=access)
        raise Http404
    try:
        present = repository.file_exists(document.storage_key)
    except (BotoCoreError, ClientError) as error:
        logger.warning("document file unreachable (request %s): %s", request.request_id, type(error).__name__)
        present = None
    if not present:
        reason = "storage_unavailable" if present is None else "file_missing"
        _audit(request, "document.download", patient_id, outcome=FAILED, resource_id=document.document_id,
               detail={"reason": reason}, access=access)
        raise DocumentStorageUnavailable
    _audit(request, "document.download", patient_id, outcome=ALLOWED, resource_id=document.document_id, access=access)
    return repository.file_link(
        document.storage_key,
        content_type=document.content_type,
        disposition=content_disposition(document.file_name),
        expires_seconds=settings.DOCUMENTS_LINK_SECONDS,
    )


# --- The operator's sweep --------------------------------------------------------

SWEEPER = Actor(user_id="system:documents_sweep", role="operator")


@dataclass(frozen=True)
class SweepResult:
    checked: int
    removed: int


def documents_sweep(*, older_than_minutes: int) -> SweepResult:
    """Delete stored document files that no document's metadata names and
    that were written more than `older_than_minutes` ago (younger ones may
    belong to an upload still in progress). Lists the documents prefix."""
    cutoff = clock.now() - timedelta(minutes=older_than_minutes)
    checked = removed = 0
    for stored_name in repository.stored_before(cutoff):
        checked += 1
        if repository.is_recorded(stored_name):
            continue
        repository.stored_remove(stored_name)
        removed += 1
    audit_record(
        actor=SWEEPER,
        action="document.sweep",
        outcome=ALLOWED,
        resource_type=RESOURCE,
        detail={"checked": checked, "removed": removed, "olderThanMinutes": older_than_minutes},
    )
    return SweepResult(checked=checked, removed=removed)
