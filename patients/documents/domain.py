"""Documents in a patient's record: lab results, referral letters, images.

Plain data and rules only. A document's metadata lives in the documents
table; its bytes live in S3 under a random name that says nothing about the
patient, the file or its uploader."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _

from medisecure import clock, file_types
from medisecure.errors import DomainError, NotFound
from patients.records.domain import ChartAccess

# Where document objects sit inside the documents storage: the orphan sweep
# looks here and nowhere else (licence scans have their own prefix).
STORED_NAME_PREFIX = "files/"
NAME_STEM_LIMIT = 100

# The sort key keeps a patient's documents in upload order:
# "<uploadedAt>#<documentId>", uploadedAt as clock.stamp writes it (UTC,
# with microseconds, always the same width, so it sorts as time does).
# The same two parts as they appear in a URL (no "#", ":" or "."):
# 20261130T002622123456Z-<32 hex digits>.
_REFERENCE = re.compile(r"(\d{8})T(\d{6})(\d{6})Z-([0-9a-f]{32})")
_DOCUMENT_KEY = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z#([0-9a-f]{32})")
# Characters a shown file name keeps besides letters, digits and spaces.
_NAME_PUNCTUATION = frozenset("-_.,()[]+&'")


@dataclass(frozen=True)
class Document:
    patient_id: str
    document_id: str  # random; with uploaded_at, the document's key
    uploaded_at: str  # clock.stamp
    file_name: str  # sanitised, as shown and offered on download
    content_type: str  # as the content showed, never as the sender claimed
    size: int
    storage_key: str  # the object's name in the documents storage
    uploaded_by: str  # the uploader's user id
    uploader_role: str

    @property
    def document_key(self) -> str:
        return f"{self.uploaded_at}#{self.document_id}"

    @property
    def reference(self) -> str:
        """The document's key as it appears in a URL."""
        return reference_of(self.document_key)

    @property
    def kind(self) -> str:
        return str(file_types.DESCRIPTIONS.get(self.content_type, _("File")))

    @property
    def uploaded(self) -> datetime:
        return clock.from_stamp(self.uploaded_at)


def new_document_id() -> str:
    return secrets.token_hex(16)


def new_stored_name() -> str:
    """A name for a new object: 128 random bits, nothing else."""
    return f"{STORED_NAME_PREFIX}{secrets.token_hex(16)}"


def reference_of(document_key: str) -> str:
    match = _DOCUMENT_KEY.fullmatch(document_key)
    if not match:
        raise ValueError("not a document key")
    year, month, day, hour, minute, second, micro, document_id = match.groups()
    return f"{year}{month}{day}T{hour}{minute}{second}{micro}Z-{document_id}"


def document_key_of(reference: str) -> str | None:
    """The document key a URL's reference names, or None if it names none."""
    match = _REFERENCE.fullmatch(reference)
    if not match:
        return None
    day, clock, micro, document_id = match.groups()
    return f"{day[:4]}-{day[4:6]}-{day[6:]}T{clock[:2]}:{clock[2:4]}:{clock[4:]}.{micro}Z#{document_id}"


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


@dataclass(frozen=True)
class SweepResult:
    checked: int
    removed: int


class DocumentNotFound(NotFound):
    """No document of this patient has that reference."""


class DocumentStorageUnavailable(DomainError):
    """S3 could not be reached (or refused); nothing was stored or issued."""


class DocumentExists(DomainError):
    """A document with the new document's key is already recorded (keys are
    random: in practice, never)."""


class UploadRefused(DomainError):
    """The upload form refused the file; nothing was stored."""


# --- File names -------------------------------------------------------------


class FileNameRefused(Exception):
    """A file name that points somewhere else, or has no usable name."""


def split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    return (stem, extension.lower()) if dot and stem else (name, "")


def refuse_path_like(name: str) -> None:
    """Names that reach out of where a file is put ("../x", "C:\\x") are
    refused, not repaired: such a name is an attack, not a document."""
    if not name.strip():
        raise FileNameRefused(_("The file has no name."))
    if "/" in name or "\\" in name or ".." in name or "\x00" in name or re.match(r"^[A-Za-z]:", name):
        raise FileNameRefused(_("The file name may not contain folders, “..” or a drive letter."))


def sanitised_file_name(name: str, content_type: str) -> str:
    """The name a file is shown and offered under: NFC-normalised, only
    letters, digits, spaces and plain punctuation, at most NAME_STEM_LIMIT
    characters before an extension that matches its content."""
    name = unicodedata.normalize("NFC", name)
    stem, extension = split_extension(name)
    kept = "".join(
        character
        for character in stem
        if character.isalnum() or character == " " or character in _NAME_PUNCTUATION
    )
    stem = " ".join(kept.split()).strip(" .")[:NAME_STEM_LIMIT].strip(" .") or "document"
    accepted = file_types.EXTENSIONS[content_type]
    return f"{stem}.{extension if extension in accepted else accepted[0]}"


def content_disposition(file_name: str) -> str:
    """`attachment` with the name twice: an ASCII fallback for old clients
    and the exact name, percent-encoded as RFC 5987 (filename*) says."""
    fallback = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(character for character in fallback if character not in '"\\;') or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
