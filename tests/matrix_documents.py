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
            "documents:list",
            "/patient/documents/",
            patients,
            "document.list",
            touches_phi=True,
            audit_patient=SELF,
        ),
        Route("documents:upload", "/patient/documents/upload/", patients, None, ok_status=405),
        Route(
            "documents:download",
            f"/patient/documents/{NO_DOCUMENT}/download/",
            patients,
            "document.download",
            ok_status=404,
            touches_phi=True,
            audit_patient=SELF,
            audit_outcome="denied",
        ),
        Route(
            "chart_documents:list",
            chart,
            frozenset({DOCTOR}),
            "document.list",
            touches_phi=True,
            audit_patient=PATIENT,
            not_found=frozenset({OTHER_DOCTOR}),
        ),
        Route("chart_documents:upload", f"{chart}upload/", doctors, None, ok_status=405),
        Route(
            "chart_documents:download",
            f"{chart}{NO_DOCUMENT}/download/",
            frozenset({DOCTOR}),
            "document.download",
            ok_status=404,
            touches_phi=True,
            audit_patient=PATIENT,
            audit_outcome="denied",
            not_found=frozenset({OTHER_DOCTOR}),
        ),
    )


DOCUMENT_ROUTES = _routes()


# For tests/test_id_swapping.py: on each documents page with an id, someone
# with no relationship to the record and the ids that name it.
def _document_of(patient_id: str) -> str:
    """A document in the patient's record (metadata only: a stranger's
    request is refused before its file is looked for); its reference."""
    from medisecure import clock
    from medisecure.unit_of_work import Transaction
    from patients.documents import repository as documents_repository
    from patients.documents.domain import Document, new_document_id, new_stored_name

    document = Document(
        patient_id=patient_id,
        document_id=new_document_id(),
        uploaded_at=clock.stamp(),
        file_name="Private.pdf",
        content_type="application/pdf",
        size=1,
        storage_key=new_stored_name(),
        uploaded_by=patient_id,
        uploader_role="patient",
    )
    tx = Transaction()
    documents_repository.document_add(tx, document)
    tx.commit()
    return document.reference


DOCUMENT_FOREIGN_IDS = {
    "documents:download": lambda cast: (OTHER_PATIENT, {"reference": _document_of(cast.patient.sub)}),
    "chart_documents:list": lambda cast: (OTHER_DOCTOR, {"patient_id": cast.patient.sub}),
    "chart_documents:upload": lambda cast: (OTHER_DOCTOR, {"patient_id": cast.patient.sub}),
    "chart_documents:download": lambda cast: (
        OTHER_DOCTOR,
        {"patient_id": cast.patient.sub, "reference": _document_of(cast.patient.sub)},
    ),
}
