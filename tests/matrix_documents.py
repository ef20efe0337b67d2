"""The documents pages in the access matrix (tests/access_matrix.py adds
them to ROUTES). Upload pages take POST only, so a GET that gets through is
a 405; downloads of a document that does not exist are the allowed
person's 404, audited as a denial."""

from __future__ import annotations

from tests.access_matrix import DOCTOR, OTHER_DOCTOR, OTHER_PATIENT, PATIENT, SELF, Route

NO_DOCUMENT = "20260101T000000000000Z-" + "0" * 32


def _routes():
    patients = frozenset({PATIENT, OTHER_PATIENT})
    doctors = frozenset({DOCTOR, OTHER_DOCTOR})
    chart = "/doctor/patients/{patient}/documents/"
    return (
        Route(
            "patients:documents", "/patient/documents/", patients, "document.list",
            touches_phi=True, audit_patient=SELF,
        ),
        Route("patients:document_upload", "/patient/documents/upload/", patients, None, ok_status=405),
        Route(
            "patients:document_download", f"/patient/documents/{NO_DOCUMENT}/download/", patients,
            "document.download", ok_status=404, touches_phi=True, audit_patient=SELF, audit_outcome="denied",
        ),
        Route(
            "clinicians:chart_documents", chart, frozenset({DOCTOR}), "document.list",
            touches_phi=True, audit_patient=PATIENT, not_found=frozenset({OTHER_DOCTOR}),
        ),
        Route("clinicians:chart_document_upload", f"{chart}upload/", doctors, None, ok_status=405),
        Route(
            "clinicians:chart_document_download", f"{chart}{NO_DOCUMENT}/download/", frozenset({DOCTOR}),
            "document.download", ok_status=404, touches_phi=True, audit_patient=PATIENT, audit_outcome="denied",
            not_found=frozenset({OTHER_DOCTOR}),
        ),
    )


DOCUMENT_ROUTES = _routes()
