"""The patient's whole record to take away: their history and their
documents' metadata as a PDF or a FHIR R4 bundle. A patient downloads only
their own record: the id is always the actor's. Audited before it is
returned."""

from __future__ import annotations

from audit.domain import ALLOWED
from audit.services import audit_record, chain_head_read
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.letterhead import clinic_letterhead
from patients import selectors as patients
from patients.documents import selectors as documents
from patients.exports.domain import EXPORT_FORMATS, PDF, ExportFormatNotFound, RecordExport, RecordFile
from patients.exports.formats import fhir_json, record_pdf
from patients.messages import selectors as messages
from patients.records import selectors as records
from patients.records.domain import NoPatientRecord


def own_record_file_get(*, actor: Actor, audit: AuditContext, file_format: str) -> RecordFile:
    """The patient's whole record as a PDF or a FHIR R4 JSON bundle, with
    their documents listed. Raises ExportFormatNotFound for another format
    (before anything is read), or NoPatientRecord."""
    if file_format not in EXPORT_FORMATS:
        raise ExportFormatNotFound
    patient_id = actor.user_id
    patient, head = dynamo.read_together(
        patients.patient_read(patient_id=patient_id), chain_head_read(), consistent=True
    )
    if patient is None:
        raise NoPatientRecord
    export = RecordExport(
        patient=patient,
        entries=records.record_entry_list_all(patient_id=patient_id),
        documents=documents.document_list_all(patient_id=patient_id),
        exported_at=clock.stamp(),
        messages=messages.message_threads_all(patient_id=patient_id),
        addenda=records.record_addenda_list_all(patient_id=patient_id),
        letterhead=clinic_letterhead(),
    )
    content = record_pdf(export) if file_format == PDF else fhir_json(export).encode("utf-8")
    audit_record(
        actor=actor,
        audit=audit,
        action="record.download",
        outcome=ALLOWED,
        resource_type="medical_record",
        resource_id=patient_id,
        patient_id=patient_id,
        head=head,
        detail={
            "format": file_format,
            "entries": len(export.entries),
            "documents": len(export.documents),
            "messages": sum(len(thread_messages) for _, thread_messages in export.messages),
        },
    )
    content_type, extension = EXPORT_FORMATS[file_format]
    return RecordFile(content=content, content_type=content_type, extension=extension)
