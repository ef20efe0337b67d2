"""Writes of a patient's documents: uploads, by the patient themselves or a
doctor who may open their chart (patients.records.selectors.chart_get_for
decides), and the operator's sweep of files no document names.

An upload stores the file in S3 first, then its metadata and audit event in
one transaction. If that transaction fails, the object is removed again; if
the removal fails too, the object has no metadata, so nobody can list or
download it, and `manage.py documents_sweep` deletes it later."""

from __future__ import annotations

import logging
from datetime import timedelta

from audit.domain import ALLOWED, FAILED
from audit.services import audit_event_add, audit_record
from medisecure import clock
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction
from patients.documents import repository
from patients.documents.domain import (
    Document,
    DocumentStorageUnavailable,
    DocumentUpload,
    SweepResult,
    UploadRefused,
    new_document_id,
    new_stored_name,
)
from patients.records.domain import ChartAccess
from patients.records.selectors import chart_get_for, chart_write_check

logger = logging.getLogger(__name__)

RESOURCE = "document"


def own_document_upload(*, actor: Actor, audit: AuditContext, upload: DocumentUpload) -> Document:
    """Add a file to the patient's own record."""
    return _upload(actor, audit, actor.user_id, upload, access=None)


def chart_document_upload(
    *,
    actor: Actor,
    audit: AuditContext,
    patient_id: str,
    upload: DocumentUpload | None,
    emergency_reason: str = "",
) -> Document:
    """A doctor adds a file to a patient's record. `upload` is None when the
    form refused the file (UploadRefused): the access check still comes
    first, so a doctor with no relationship to the patient learns nothing,
    not even whether their file would have passed."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id)
    if upload is None:
        raise UploadRefused
    marked = chart_write_check(
        actor=actor, audit=audit, access=access, action="document.upload", emergency_reason=emergency_reason
    )
    return _upload(actor, audit, patient_id, upload, access=access, marked=marked)


def _upload(
    actor: Actor,
    audit: AuditContext,
    patient_id: str,
    upload: DocumentUpload,
    *,
    access: ChartAccess | None,
    marked: dict | None = None,
) -> Document:
    """Store the file, then its metadata with the audit event. Raises
    DocumentStorageUnavailable when S3 fails (nothing stored, the failure
    audited), or the audit failure when DynamoDB does (the stored file is
    removed again)."""
    document = Document(
        patient_id=patient_id,
        document_id=new_document_id(),
        uploaded_at=clock.stamp(),
        file_name=upload.file_name,
        content_type=upload.content_type,
        size=upload.size,
        storage_key=new_stored_name(),
        uploaded_by=actor.user_id,
        uploader_role=actor.role,
    )
    detail = {**(access.audit_detail if access is not None else {}), **(marked or {})}
    head = access.head if access is not None else None
    try:
        repository.file_store(document.storage_key, upload.file, content_type=document.content_type)
    except DocumentStorageUnavailable as unavailable:
        logger.warning("document upload not stored (request %s): %s", audit.request_id, unavailable)
        audit_record(
            actor=actor,
            audit=audit,
            action="document.upload",
            outcome=FAILED,
            resource_type=RESOURCE,
            patient_id=patient_id,
            detail={"reason": "storage_unavailable", **detail},
            head=head,
        )
        raise
    tx = Transaction()
    repository.document_add(tx, document)
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="document.upload",
        outcome=ALLOWED,
        resource_type=RESOURCE,
        resource_id=document.document_id,
        patient_id=patient_id,
        detail={"contentType": document.content_type, "size": document.size, **detail},
        head=head,
    )
    try:
        tx.commit()
    except Exception:
        repository.file_discard(document.storage_key)
        raise
    return document


# --- The operator's sweep --------------------------------------------------------


def documents_sweep(*, actor: Actor, audit: AuditContext, older_than_minutes: int) -> SweepResult:
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
        actor=actor,
        audit=audit,
        action="document.sweep",
        outcome=ALLOWED,
        resource_type=RESOURCE,
        detail={"checked": checked, "removed": removed, "olderThanMinutes": older_than_minutes},
    )
    return SweepResult(checked=checked, removed=removed)
