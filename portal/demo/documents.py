"""Step "documents": files in the demo patient's record and a few others':
letters and reports a doctor added (PDF), and pictures a patient uploaded
themselves (PNG)."""

from __future__ import annotations

import io

from medisecure import file_types
from patients.documents.domain import DocumentUpload
from patients.documents.services import chart_document_upload, own_document_upload
from portal.demo.clinic import DemoClinic
from portal.demo.files import pdf_of, png_of

# (patient, by: a doctor's key or "patient", file name, title, lines)
LETTERS = (
    (
        "jordan",
        "nowak",
        "cardiology-letter.pdf",
        "Cardiology clinic letter",
        (
            "Seen for a heart check before an exercise programme.",
            "ECG: normal sinus rhythm.",
            "Fit to exercise. Continue lisinopril.",
        ),
    ),
    (
        "jordan",
        "sample",
        "blood-pressure-plan.pdf",
        "Your blood pressure plan",
        (
            "Take lisinopril 10 mg every morning.",
            "Walk 30 minutes a day.",
            "Check your blood pressure weekly.",
        ),
    ),
    (
        "maria",
        "nowak",
        "ecg-report.pdf",
        "ECG report",
        ("Atrial fibrillation, rate 104.", "Reviewed by the cardiologist."),
    ),
    (
        "jose",
        "sample",
        "diabetes-diet.pdf",
        "Eating well with diabetes",
        ("Regular meals.", "Fewer sugary drinks."),
    ),
)
PICTURES = (
    ("jordan", "home-blood-pressure-readings.png", ((240, 244, 248), (52, 120, 190), (240, 244, 248))),
    ("zoe", "rash-on-elbow.png", ((236, 200, 180), (205, 120, 110), (236, 200, 180))),
)


def _upload(name: str, content: bytes, content_type: str) -> DocumentUpload:
    return DocumentUpload(
        file=io.BytesIO(content), content_type=content_type, file_name=name, size=len(content)
    )


def documents_seed(clinic: DemoClinic) -> str:
    for patient, doctor, name, title, lines in LETTERS:
        chart_document_upload(
            actor=clinic.doctor(doctor),
            audit=clinic.audit,
            patient_id=clinic.sub_of_patient(patient),
            upload=_upload(name, pdf_of(title, lines), file_types.PDF),
        )
    for patient, name, colours in PICTURES:
        own_document_upload(
            actor=clinic.patient(patient),
            audit=clinic.audit,
            upload=_upload(name, png_of(240, 160, colours), file_types.PNG),
        )
    return f"{len(LETTERS) + len(PICTURES)} documents"
