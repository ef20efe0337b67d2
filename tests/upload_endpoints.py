"""Every page that accepts an uploaded file, in one place, so tests of
hostile uploads can walk them all. Each names who may post to it, the file
field, the other fields a valid post needs, and the DynamoDB table a
successful upload writes to (checked to be untouched by a refused one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class UploadEndpoint:
    name: str  # the URL name
    actor: str  # the cast member who may post (None: anyone, signed out)
    path: Callable[[object], str]  # the cast -> the path
    file_field: str
    other_fields: Callable[[], dict]  # a valid post's other fields
    table: str  # medisecure.tables name of what an accepted upload records
    max_bytes: Callable[[], int]  # the cap on the file's size
    shows_file_name: bool  # whether the sender's file name is kept and shown


def _documents_cap() -> int:
    from django.conf import settings

    return settings.DOCUMENTS_MAX_BYTES


def _licence_cap() -> int:
    from clinicians.applications.domain import LICENCE_SCAN_MAX_BYTES

    return LICENCE_SCAN_MAX_BYTES


def _no_fields() -> dict:
    return {}


def _application_fields() -> dict:
    from clinicians.tests.support import application_form

    fields = application_form()
    fields.pop("licence_scan")
    return fields


UPLOAD_ENDPOINTS = (
    UploadEndpoint(
        "documents:upload",
        "patient",
        lambda cast: "/patient/documents/upload/",
        "document",
        _no_fields,
        "documents",
        _documents_cap,
        True,
    ),
    UploadEndpoint(
        "chart_documents:upload",
        "doctor",
        lambda cast: f"/doctor/patients/{cast.patient.sub}/documents/upload/",
        "document",
        _no_fields,
        "documents",
        _documents_cap,
        True,
    ),
    UploadEndpoint(
        "clinician_apply",
        None,
        lambda cast: "/clinicians/apply/",
        "licence_scan",
        _application_fields,
        "clinician-applications",
        _licence_cap,
        False,
    ),
)
