"""The whole record as a PDF: under the clinic's letterhead, its pages
numbered "Page 1 of N", its sections headed as English writes them, and
names outside Latin-1 printed as written (the core PDF fonts printed
"Łukasz" as "?ukasz")."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.conf import settings

from medisecure.identity.actors import NO_REQUEST
from medisecure.letterhead import clinic_letterhead
from medisecure.unit_of_work import Transaction
from patients import repository as patients
from patients.exports.domain import RecordExport
from patients.exports.formats import record_pdf
from patients.records import services as records
from patients.tests.records_support import NOTE, actor
from tests.pdf_text import pdf_text
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _rename(person, given_name: str, family_name: str) -> None:
    current = patients.get(person.sub)
    tx = Transaction()
    patients.patient_profile_save(
        tx,
        replace(current, given_name=given_name, family_name=family_name, version=current.version + 1),
        expected_version=current.version,
    )
    tx.commit()


def test_the_download_prints_the_name_as_written_under_the_clinics_letterhead(client, cast):
    _rename(cast.patient, "Łukasz", "José")
    records.chart_entry_add(
        actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub, kind="note", values=NOTE
    )
    sign_in(client, cast.patient.email)

    text = pdf_text(client.get("/patient/records/download/pdf/").content)

    assert "Health record of Łukasz José" in text
    assert "?ukasz" not in text and "Jos?" not in text
    lines = text.splitlines()
    assert lines[0] == settings.CLINIC_NAME
    assert lines[1] == f"{settings.CLINIC_ADDRESS} · Phone {settings.CLINIC_PHONE}"
    for heading in ("Allergies", "Diagnoses", "Medications", "Lab results", "Immunizations", "Visit notes"):
        assert heading in lines, heading
    assert not {"Allergys", "Diagnosiss", "Medicationss"} & set(lines)
    assert "Viral cough" in text


def test_every_page_is_numbered_of_the_whole_and_carries_the_letterhead(cast):
    patient = replace(patients.get(cast.patient.sub), given_name="Ωμέγα", family_name="Жуков")
    long_notes = [
        records.chart_entry_add(
            actor=actor(cast.doctor),
            audit=NO_REQUEST,
            patient_id=cast.patient.sub,
            kind="note",
            values={**NOTE, "plan": f"Plan number {number}. " + "Rest and fluids. " * 30},
        )
        for number in range(12)
    ]
    export = RecordExport(
        patient=patient,
        entries=long_notes,
        documents=[],
        exported_at="2026-12-02T15:00:00.000000Z",
        letterhead=clinic_letterhead(),
    )

    text = pdf_text(record_pdf(export))

    numbers = re.findall(r"Page (\d+) of (\d+)", text)
    pages = len(numbers)
    assert pages >= 2
    assert numbers == [(str(page), str(pages)) for page in range(1, pages + 1)]
    assert text.count(settings.CLINIC_NAME) == pages
    assert "Health record of Ωμέγα Жуков" in text


def test_making_it_logs_no_letter_of_the_name(cast, caplog):
    # Font subsetting lists the glyphs it keeps, and fpdf2 names those the
    # font lacks (here the Chinese one): a patient's letters, in the logs.
    patient = replace(patients.get(cast.patient.sub), given_name="李 Łukasz", family_name="Nguyễn")
    export = RecordExport(
        patient=patient, entries=[], documents=[], exported_at="2026-12-02T15:00:00.000000Z"
    )

    with caplog.at_level("DEBUG"):
        text = pdf_text(record_pdf(export))

    assert "Łukasz Nguyễn" in text
    logged = " ".join(f"{record.getMessage()} {record.args}" for record in caplog.records)
    assert not any(mark in logged for mark in ("Lslash", "674e", "李", "Ł", "ễ"))
