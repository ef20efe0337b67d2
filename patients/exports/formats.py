"""The files a patient's record is exported in: a FHIR R4 JSON bundle and a
PDF. Pure transformations of what the selector read; no I/O.

FHIR resources are built and validated with fhir.resources' R4B models
(4.3.0: the R4 line's current release, identical to R4 4.0.1 for every
resource used here), so a bundle that breaks the specification's required
fields or types fails here, not in the patient's app."""

from __future__ import annotations

import html
import unicodedata
import uuid
from datetime import date
from pathlib import Path

from fhir.resources.R4B.allergyintolerance import AllergyIntolerance
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fpdf import FPDF

from medisecure.clinic_time import clinic_date, clinic_datetime
from medisecure.letterhead import Letterhead
from patients.documents.domain import Document
from patients.domain import Patient
from patients.exports import fhir_results
from patients.exports.communications import communications, messages_pdf_section
from patients.exports.domain import RecordExport
from patients.records.domain import (
    ACTIVE,
    ALLERGY,
    DIAGNOSIS,
    ENTRY_FIELDS,
    FIELD_LABELS,
    IMMUNIZATION,
    KIND_PLURALS,
    MEDICATION,
    NOTE,
    RESULT,
    VITALS,
    Addendum,
    Entry,
)
from patients.records.results import range_words

# Ids in the bundle are derived from ours, so the same record exports the
# same bundle, and nothing internal (no table key) leaks into it.
ID_NAMESPACE = uuid.UUID("6f1d1c64-3a5e-4e53-9a0e-5b0c3f7d2a11")

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
VITALS_PANEL = ("85353-1", "Vital signs panel")
# Our measurement -> (LOINC code, display, UCUM unit per our unit).
VITAL_CODES = {
    "systolic": ("8480-6", "Systolic blood pressure", {"": "mm[Hg]"}),
    "diastolic": ("8462-4", "Diastolic blood pressure", {"": "mm[Hg]"}),
    "heart_rate": ("8867-4", "Heart rate", {"": "/min"}),
    "respiratory_rate": ("9279-1", "Respiratory rate", {"": "/min"}),
    "oxygen_saturation": ("59408-5", "Oxygen saturation", {"": "%"}),
    "temperature": ("8310-5", "Body temperature", {"C": "Cel", "F": "[degF]"}),
    "weight": ("29463-7", "Body weight", {"kg": "kg", "lb": "[lb_av]"}),
}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def _fhir_instant(iso: str) -> str:
    """Our stored times (2026-01-02T03:04:05.123456Z) as a FHIR dateTime."""
    return iso[:19] + "Z" if len(iso) >= 19 else iso


# --- FHIR ------------------------------------------------------------------------


def fhir_bundle(export: RecordExport) -> Bundle:
    patient_id = _id("patient", export.patient.patient_id)
    subject = {"reference": f"urn:uuid:{patient_id}"}
    resources = [_patient(export.patient, patient_id)]
    documents = {
        document.document_key: _id("document", export.patient.patient_id, document.document_id)
        for document in export.documents
    }
    for entry in export.entries:
        build = _BUILDERS.get(entry.kind)
        if build is not None:
            resources.append(_with_addenda(build(entry, subject), export.addenda.get(entry.entry_id, [])))
        elif entry.kind == RESULT:
            resources.append(
                fhir_results.result_observation(
                    entry, subject, documents=documents, resource_id=_id("entry", entry.entry_id)
                )
            )
        elif entry.kind == IMMUNIZATION:
            resources.append(
                fhir_results.immunization(
                    entry,
                    subject,
                    resource_id=_id("entry", entry.entry_id),
                    recorded=_fhir_instant(entry.recorded_at),
                )
            )
    resources += [_document(document, export.patient.patient_id, subject) for document in export.documents]
    resources += communications(export.messages, subject=subject, id_of=_id, instant=_fhir_instant)
    return Bundle(
        type="collection",
        timestamp=_fhir_instant(export.exported_at),
        entry=[{"fullUrl": f"urn:uuid:{resource.id}", "resource": resource} for resource in resources],
    )


def fhir_json(export: RecordExport) -> str:
    return fhir_bundle(export).model_dump_json(by_alias=True, exclude_none=True)


def _with_addenda(resource, addenda: list[Addendum]):
    """The resource with its entry's addenda: as Annotations (author, time,
    text) where the resource has notes, else (a visit) in its narrative."""
    if not addenda:
        return resource
    values = resource.model_dump(by_alias=True, exclude_none=True)
    if "note" in type(resource).model_fields:
        values["note"] = [*values.get("note", []), *(_annotation(addendum) for addendum in addenda)]
    else:
        paragraphs = "".join(
            f"<p><b>Addendum, {html.escape(addendum.added_at[:16].replace('T', ' '))} UTC,"
            f" {html.escape(addendum.added_by_name)}:</b> {html.escape(addendum.text)}</p>"
            for addendum in addenda
        )
        div = values["text"]["div"]
        values["text"]["div"] = div.removesuffix("</div>") + paragraphs + "</div>"
    return type(resource).model_validate(values)


def _annotation(addendum: Addendum) -> dict:
    return {
        "authorString": addendum.added_by_name or "A clinician",
        "time": _fhir_instant(addendum.added_at),
        "text": addendum.text,
    }


def _patient(patient: Patient, resource_id: str) -> FhirPatient:
    telecom = [{"system": "email", "value": patient.email}]
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    values = {
        "id": resource_id,
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "telecom": telecom,
    }
    if patient.date_of_birth:
        values["birthDate"] = patient.date_of_birth
    if patient.address_line1:
        values["address"] = [
            {
                "line": [line for line in (patient.address_line1, patient.address_line2) if line],
                "city": patient.city or None,
                "state": patient.region or None,
                "postalCode": patient.postal_code or None,
            }
        ]
    return FhirPatient(**values)


def _condition(entry: Entry, subject: dict) -> Condition:
    values = entry.values
    status = "active" if values.get("status") == ACTIVE else "resolved"
    fields = {
        "id": _id("entry", entry.entry_id),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
        "code": {
            "coding": [
                {
                    "system": ICD10,
                    "code": values.get("code", ""),
                    "display": values.get("description") or None,
                }
            ],
            "text": values.get("description") or values.get("code", ""),
        },
        "subject": subject,
        "recordedDate": _fhir_instant(entry.recorded_at),
    }
    if values.get("onset"):
        fields["onsetDateTime"] = values["onset"]
    return Condition(**fields)


def _medication(entry: Entry, subject: dict) -> MedicationStatement:
    values = entry.values
    stop = values.get("stop", "")
    period = {"start": values.get("start") or None, "end": stop or None}
    dosage = " ".join(part for part in (values.get("dose", ""), values.get("frequency", "")) if part)
    return MedicationStatement(
        id=_id("entry", entry.entry_id),
        status="completed"
        if stop and date.fromisoformat(stop) < date.fromisoformat(entry.recorded_at[:10])
        else "active",
        medicationCodeableConcept={"text": values.get("name", "")},
        subject=subject,
        effectivePeriod=period,
        dateAsserted=_fhir_instant(entry.recorded_at),
        dosage=[{"text": dosage}] if dosage else None,
    )


def _allergy(entry: Entry, subject: dict) -> AllergyIntolerance:
    values = entry.values
    reaction = None
    if values.get("reaction"):
        severity = (
            values.get("severity") if values.get("severity") in ("mild", "moderate", "severe") else None
        )
        reaction = [{"manifestation": [{"text": values["reaction"]}], "severity": severity}]
    return AllergyIntolerance(
        id=_id("entry", entry.entry_id),
        clinicalStatus={
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                    "code": "active",
                }
            ]
        },
        code={"text": values.get("substance", "")},
        patient=subject,
        recordedDate=_fhir_instant(entry.recorded_at),
        reaction=reaction,
    )


def _vitals(entry: Entry, subject: dict) -> Observation:
    components = []
    for name, (code, display, units) in VITAL_CODES.items():
        value = entry.values.get(name, "")
        if not value:
            continue
        unit = units.get(entry.values.get(f"{name}_unit", ""), units.get(""))
        components.append(
            {
                "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
                "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
            }
        )
    return Observation(
        id=_id("entry", entry.entry_id),
        status="final",
        category=[
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                    }
                ]
            }
        ],
        code={
            "coding": [{"system": LOINC, "code": VITALS_PANEL[0], "display": VITALS_PANEL[1]}],
            "text": "Vital signs",
        },
        subject=subject,
        effectiveDateTime=_fhir_instant(entry.recorded_at),
        component=components,
    )


def _encounter(entry: Entry, subject: dict) -> Encounter:
    """A visit; its note as the resource's narrative (escaped XHTML)."""
    sections = "".join(
        f"<p><b>{FIELD_LABELS[name]}:</b> {html.escape(entry.values[name])}</p>"
        for name in ENTRY_FIELDS[NOTE]
        if entry.values.get(name)
    )
    assessment = entry.values.get("assessment", "")
    return Encounter(
        id=_id("entry", entry.entry_id),
        status="finished",
        text={"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{sections}</div>'},
        **{
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "AMB",
                "display": "ambulatory",
            }
        },
        subject=subject,
        period={"start": _fhir_instant(entry.recorded_at)},
        participant=[{"individual": {"display": entry.recorded_by_name}}] if entry.recorded_by_name else None,
        reasonCode=[{"text": assessment}] if assessment else None,
    )


def _document(document: Document, patient_id: str, subject: dict) -> DocumentReference:
    return DocumentReference(
        id=_id("document", patient_id, document.document_id),
        status="current",
        subject=subject,
        date=_fhir_instant(document.uploaded_at),
        description=document.file_name,
        content=[
            {
                "attachment": {
                    "contentType": document.content_type,
                    "title": document.file_name,
                    "creation": _fhir_instant(document.uploaded_at),
                }
            }
        ],
    )


_BUILDERS = {
    DIAGNOSIS: _condition,
    MEDICATION: _medication,
    ALLERGY: _allergy,
    VITALS: _vitals,
    NOTE: _encounter,
}


# --- PDF ---------------------------------------------------------------------------

# DejaVu Sans, shipped beside this module (its licence in fonts/), covers
# Latin, Greek and Cyrillic: "Łukasz" and "José" print as written, which
# the PDF core fonts (Latin-1 only) cannot. Characters it lacks print as
# blanks rather than failing the patient's download.
FONT = "DejaVuSans"
FONT_FILES = Path(__file__).resolve().parent / "fonts"
PAGE_NUMBERS = "{nb}"  # fpdf2 puts the page count here once the last page is done


class RecordPdf(FPDF):
    """An A4 page under the clinic's letterhead, numbered "Page 1 of N"."""

    def __init__(self, letterhead: Letterhead):
        super().__init__(format="A4")
        self.letterhead = letterhead
        self.add_font(FONT, "", FONT_FILES / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_FILES / "DejaVuSans-Bold.ttf")
        self.alias_nb_pages(PAGE_NUMBERS)
        self.set_auto_page_break(auto=True, margin=18)

    def header(self) -> None:
        self.set_font(FONT, "B", 12)
        self.cell(0, 6, self.letterhead.name, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 8)
        self.cell(0, 4, " · ".join(self.letterhead.lines), new_x="LMARGIN", new_y="NEXT")
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {PAGE_NUMBERS}", align="C")


def _pdf_text(value: str) -> str:
    # Control characters are not text (a pasted form feed, a stray escape).
    return "".join(
        character for character in value if character in "\n\t" or unicodedata.category(character) != "Cc"
    )


def record_pdf(export: RecordExport) -> bytes:
    pdf = RecordPdf(export.letterhead or Letterhead(name="", address="", phone=""))
    pdf.set_title("Health record")
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(
        0, 10, _pdf_text(f"Health record of {export.patient.full_name}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, "", 10)
    patient = export.patient
    for line in (
        f"Date of birth: {clinic_date(patient.date_of_birth)}",
        f"Email: {patient.email}",
        f"Exported: {clinic_datetime(export.exported_at)}",
    ):
        pdf.cell(0, 6, _pdf_text(line), new_x="LMARGIN", new_y="NEXT")
    for kind in (ALLERGY, DIAGNOSIS, MEDICATION, RESULT, IMMUNIZATION, VITALS, NOTE):
        entries = [entry for entry in export.entries if entry.kind == kind]
        _pdf_section(pdf, KIND_PLURALS[kind], entries, export.addenda)
    if export.documents:
        _pdf_heading(pdf, "Documents")
        for document in export.documents:
            pdf.multi_cell(
                0,
                6,
                _pdf_text(f"{clinic_date(document.uploaded_at)}  {document.file_name}"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
    messages_pdf_section(pdf, export.messages, heading=_pdf_heading, text=_pdf_text, font=FONT)
    return bytes(pdf.output())


def _pdf_heading(pdf: FPDF, title: str) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 9, _pdf_text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)


def _pdf_section(pdf: FPDF, title: str, entries: list[Entry], addenda: dict[str, list[Addendum]]) -> None:
    _pdf_heading(pdf, title)
    if not entries:
        pdf.cell(0, 6, "None recorded.", new_x="LMARGIN", new_y="NEXT")
        return
    for entry in entries:
        pdf.set_font(FONT, "B", 10)
        heading = f"{clinic_date(entry.recorded_at)} - {entry.recorded_by_name}" + (
            " (amended)" if entry.amended else ""
        )
        pdf.multi_cell(0, 6, _pdf_text(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        if entry.kind == RESULT:
            where = f"{entry.title}: {range_words(entry.values)}"
            pdf.multi_cell(0, 6, _pdf_text(where), new_x="LMARGIN", new_y="NEXT")
        for label, value in entry.shown_fields():
            shown = value if isinstance(value, str) else clinic_date(value)
            pdf.multi_cell(0, 6, _pdf_text(f"{label}: {shown}"), new_x="LMARGIN", new_y="NEXT")
        for addendum in addenda.get(entry.entry_id, []):
            when = clinic_datetime(addendum.added_at)
            pdf.multi_cell(
                0,
                6,
                _pdf_text(f"Addendum ({when}, {addendum.added_by_name}): {addendum.text}"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.ln(1)
