"""Reads of a patient's documents, for the patient themselves or a doctor
who may open their chart: the list, and a download link.

A patient acts only on their own documents: their id always comes from the
actor. A doctor names the patient, and is refused (404, audited) unless the
chart's own access rule lets them in (patients.records.selectors
.chart_get_for: the care team, or a live emergency grant); their events say
which. Every read is audited before it is returned."""

from __future__ import annotations

import logging

from django.conf import settings

from audit.domain import ALLOWED, DENIED, FAILED
from audit.services import audit_record
from medisecure import dynamo
from medisecure.identity.actors import Actor, AuditContext
from patients.documents import repository
from patients.documents.domain import (
    Document,
    DocumentList,
    DocumentNotFound,
    DocumentStorageUnavailable,
    content_disposition,
    document_key_of,
)
from patients.records.domain import ChartAccess
from patients.records.selectors import chart_get_for

logger = logging.getLogger(__name__)

RESOURCE = "document"
PAGE_SIZE = 20


def _record(
    actor: Actor,
    audit: AuditContext,
    action: str,
    patient_id: str,
    *,
    outcome: str,
    access: ChartAccess | None,
    resource_id: str = "",
    detail: dict | None = None,
) -> None:
    """One documents event. A doctor's names how they may see the chart, and
    goes on the audit chain head read with it (one event per request)."""
    audit_record(
        actor=actor,
        audit=audit,
        action=action,
        outcome=outcome,
        resource_type=RESOURCE,
        resource_id=resource_id,
        patient_id=patient_id,
        detail={**(detail or {}), **access.audit_detail} if access is not None else detail,
        head=access.head if access is not None else None,
    )


# --- Listing -------------------------------------------------------------------


def own_document_list(*, actor: Actor, audit: AuditContext, page_token: str | None) -> DocumentList:
    """One page of the patient's documents, newest first: one Query and the
    audit event. Raises dynamo.InvalidPageToken for a token not issued for
    this list."""
    return _documents_page(actor, audit, actor.user_id, page_token=page_token, access=None)


def chart_document_list(
    *, actor: Actor, audit: AuditContext, patient_id: str, page_token: str | None
) -> DocumentList:
    """One page of a patient's documents for a doctor who may open the
    chart: the chart access read, one Query and the audit event."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id)
    return _documents_page(actor, audit, patient_id, page_token=page_token, access=access)


def _documents_page(
    actor: Actor, audit: AuditContext, patient_id: str, *, page_token: str | None, access: ChartAccess | None
) -> DocumentList:
    documents, next_page = repository.of_patient(patient_id, limit=PAGE_SIZE, page_token=page_token)
    _record(
        actor,
        audit,
        "document.list",
        patient_id,
        outcome=ALLOWED,
        access=access,
        detail={"count": len(documents)},
    )
    return DocumentList(patient_id=patient_id, chart=access, documents=documents, next_page=next_page)


def document_list_all(*, patient_id: str) -> list[Document]:
    """Every document of the patient, newest first, for the download of
    their whole record (patients.exports), which audits its own read."""
    return repository.all_of_patient(patient_id)


def document_recent_list(*, patient_id: str, limit: int = PAGE_SIZE) -> list[Document]:
    """The patient's latest documents, newest first (one Query), for a page
    that offers to attach one (patients.messages) and audits its own read."""
    documents, _ = repository.of_patient(patient_id, limit=limit)
    return documents


def document_read(*, patient_id: str, reference: str) -> dynamo.ItemRead[Document | None] | None:
    """One of the patient's documents by its reference, to read in one round
    trip with other items; None for a reference that names no document."""
    document_key = document_key_of(reference)
    return repository.document_read(patient_id, document_key) if document_key else None


# --- Downloading ---------------------------------------------------------------


def own_document_link_get(*, actor: Actor, audit: AuditContext, reference: str) -> str:
    return _link(actor, audit, actor.user_id, reference, access=None)


def chart_document_link_get(*, actor: Actor, audit: AuditContext, patient_id: str, reference: str) -> str:
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id)
    return _link(actor, audit, patient_id, reference, access=access)


def _link(
    actor: Actor, audit: AuditContext, patient_id: str, reference: str, *, access: ChartAccess | None
) -> str:
    """A presigned link to the document, issued after the access check and
    only once its download is audited. Raises DocumentNotFound (audited)
    for a reference that names no document of this patient, and
    DocumentStorageUnavailable (audited) when its file cannot be reached."""
    document_key = document_key_of(reference)
    document = repository.get(patient_id, document_key) if document_key else None
    if document is None:
        _record(
            actor,
            audit,
            "document.download",
            patient_id,
            outcome=DENIED,
            access=access,
            detail={"reason": "not_found"},
        )
        raise DocumentNotFound(audited=True)
    reason = _file_missing(document, audit)
    if reason:
        _record(
            actor,
            audit,
            "document.download",
            patient_id,
            outcome=FAILED,
            access=access,
            resource_id=document.document_id,
            detail={"reason": reason},
        )
        raise DocumentStorageUnavailable
    _record(
        actor,
        audit,
        "document.download",
        patient_id,
        outcome=ALLOWED,
        access=access,
        resource_id=document.document_id,
    )
    return repository.file_link(
        document.storage_key,
        content_type=document.content_type,
        disposition=content_disposition(document.file_name),
        expires_seconds=settings.DOCUMENTS_LINK_SECONDS,
    )


def _file_missing(document: Document, audit: AuditContext) -> str:
    """Why the document's file cannot be served, or "" when it can."""
    try:
        present = repository.file_exists(document.storage_key)
    except DocumentStorageUnavailable as unavailable:
        logger.warning("document file unreachable (request %s): %s", audit.request_id, unavailable)
        return "storage_unavailable"
    return "" if present else "file_missing"
