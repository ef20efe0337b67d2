"""A patient's whole record as files they can take away (their HIPAA right
of access): what a download holds and the formats it comes in. Plain data
only; the files themselves are made in patients.exports.formats."""

from __future__ import annotations

from dataclasses import dataclass, field

from medisecure.errors import NotFound
from medisecure.letterhead import Letterhead
from patients.documents.domain import Document
from patients.domain import Patient
from patients.messages.domain import Message, Thread
from patients.records.domain import Addendum, Entry

PDF = "pdf"
FHIR = "fhir"
# Each download format: its content type and the file name's extension.
EXPORT_FORMATS = {PDF: ("application/pdf", "pdf"), FHIR: ("application/fhir+json", "json")}


@dataclass(frozen=True)
class RecordExport:
    """Everything a patient's download holds."""

    patient: Patient
    entries: list[Entry]  # newest first
    documents: list[Document]  # newest first
    exported_at: str  # clock.stamp
    # Each thread of secure messages with its messages, oldest first.
    messages: list[tuple[Thread, list[Message]]] = field(default_factory=list)
    addenda: dict[str, list[Addendum]] = field(default_factory=dict)  # by entry id, oldest first
    letterhead: Letterhead | None = None  # the clinic's, atop every page of the PDF


@dataclass(frozen=True)
class RecordFile:
    """The whole record as a file to download."""

    content: bytes
    content_type: str
    extension: str


class ExportFormatNotFound(NotFound):
    """A download format the record is not offered in."""
