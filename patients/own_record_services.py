"""The patient's own medical record: reading it page by page, downloading
it whole (PDF, FHIR), and seeing who has looked at it.

A patient acts only on their own record: the id always comes from the
signed-in user, never from the request's parameters. Every read is audited
before it is returned."""

from __future__ import annotations

from dataclasses import dataclass

from audit import repository as audit_repository
from audit.domain import ALLOWED, TIMESTAMP_FORMAT
from audit.services import audit_record, next_chain
from clinicians import repository as providers
from medisecure import clock
from patients import records_repository
from patients.domain import Patient
from patients.record_export import RecordExport, fhir_json, record_pdf
from patients.records_domain import ChartSummary, Entry

HISTORY_PAGE_SIZE = 20
PDF = "pdf"
FHIR = "fhir"


class NoPatientRecord(Exception):
    """The signed-in patient has no patient record yet."""


@dataclass(frozen=True)
class OwnRecord:
    patient: Patient
    summary: ChartSummary
    entries: list[Entry]
    next_page: str | None


def own_record_view(*, request, page_token: str | None) -> OwnRecord:
    """The signed-in patient's record and one page of their history, newest
    first, in three round trips. Raises dynamo.InvalidPageToken for a token
    not issued for this history."""
    patient_id = request.user.username
    read = records_repository.own_record_read(patient_id, chain_id=next_chain())
    if read.patient is None:
        raise NoPatientRecord
    entries, next_page = records_repository.history_page(patient_id, limit=HISTORY_PAGE_SIZE, page_token=page_token)
    audit_record(
        request=request, action="record.read", outcome=ALLOWED, resource_type="medical_record",
        resource_id=patient_id, patient_id=patient_id, head=read.head,
        detail={"entry_ids": [entry.entry_id for entry in entries]},
    )
    return OwnRecord(patient=read.patient, summary=read.summary, entries=entries, next_page=next_page)


def own_record_download(*, request, file_format: str) -> bytes:
    """The signed-in patient's whole record as a PDF or a FHIR R4 JSON bundle."""
    if file_format not in (PDF, FHIR):
        raise ValueError(f"unknown format {file_format!r}")
    patient_id = request.user.username
    read = records_repository.own_record_read(patient_id, chain_id=next_chain())
    if read.patient is None:
        raise NoPatientRecord
    export = RecordExport(
        patient=read.patient,
        entries=records_repository.all_entries(patient_id),
        documents=records_repository.documents_of(patient_id),
        exported_at=clock.now().strftime(TIMESTAMP_FORMAT),
    )
    content = record_pdf(export) if file_format == PDF else fhir_json(export).encode("utf-8")
    audit_record(
        request=request, action="record.download", outcome=ALLOWED, resource_type="medical_record",
        resource_id=patient_id, patient_id=patient_id, head=read.head,
        detail={"format": file_format, "entries": len(export.entries), "documents": len(export.documents)},
    )
    return content


# --- who has looked at my record ---------------------------------------------------

ACCESS_LOG_PAGE_SIZE = 25
# What each audited action means to the patient, in plain words.
ACCESS_LABELS = {
    "chart.read": "Opened your chart",
    "chart.history.read": "Read your history",
    "chart.entry.read": "Read an entry in your record",
    "chart.entry.add": "Added to your record",
    "chart.entry.amend": "Corrected an entry in your record",
    "chart.access": "Tried to open your chart",
    "emergency.grant": "Took emergency access to your chart",
    "record.read": "Read your record",
    "record.download": "Downloaded your record",
    "record.access_log.read": "Looked at who has seen your record",
    "patient.home.read": "Opened your home page",
    "patient.profile.read": "Read your profile",
    "patient.profile.update": "Changed your profile",
    "careteam.add": "Added a doctor to your care team",
    "careteam.remove": "Removed a doctor from your care team",
}
ROLE_LABELS = {"patient": "Patient", "doctor": "Doctor", "admin": "Clinic administrator", "operator": "Clinic system"}


@dataclass(frozen=True)
class AccessLine:
    when: str  # ISO UTC
    who: str
    role: str
    what: str
    refused: bool


@dataclass(frozen=True)
class AccessLog:
    lines: list[AccessLine]
    next_page: str | None


def own_record_access_log_view(*, request, page_token: str | None) -> AccessLog:
    """Who has read or changed the signed-in patient's record, newest first:
    who, in what role, when and what, and nothing of the trail's internals
    (addresses, request ids, hashes). Raises dynamo.InvalidPageToken for a
    token not issued for this list."""
    patient_id = request.user.username
    events, next_page = audit_repository.list_by(
        "patientId", patient_id, limit=ACCESS_LOG_PAGE_SIZE, page_token=page_token
    )
    doctors = providers.get_many([event.user_id for event in events if event.role == "doctor"])
    audit_record(
        request=request, action="record.access_log.read", outcome=ALLOWED, resource_type="access_log",
        resource_id=patient_id, patient_id=patient_id,
    )
    lines = [
        AccessLine(
            when=event.timestamp[:16].replace("T", " "),
            who=_who(event, patient_id, doctors),
            role=ROLE_LABELS.get(event.role, event.role.title()),
            what=ACCESS_LABELS.get(event.action, "Other access to your record"),
            refused=event.outcome != ALLOWED,
        )
        for event in events
    ]
    return AccessLog(lines=lines, next_page=next_page)


def _who(event, patient_id: str, doctors: dict) -> str:
    if event.user_id == patient_id:
        return "You"
    if event.user_id in doctors:
        return doctors[event.user_id].display_name
    return ROLE_LABELS.get(event.role, "Someone at the clinic")
