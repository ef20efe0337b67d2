"""Clinic time everywhere: every page of the access matrix a patient or a
doctor may open, rendered over a record that has something of every kind
(an appointment, entries of each kind, a lab result, a document, an
emergency grant), shows no ISO timestamp, no ISO date and never the
letters "UTC": times are in the clinic's zone, in words."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from medisecure.identity.actors import NO_REQUEST
from patients.records import services as records_services
from patients.tests.records_support import ALLERGY, DIAGNOSIS, MEDICATION, NOTE, actor
from patients.visits.tests.support import completed_visit
from tests.access_matrix import DOCTOR, OTHER_DOCTOR, PATIENT, ROUTES
from tests.support import sign_in

pytestmark = pytest.mark.django_db

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
UTC = re.compile(r"\bUTC\b")
# Where an ISO date is the point: the format a date field asks for.
EXAMPLES = re.compile(r"e\.g\. \d{4}-\d{2}-\d{2}")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def what_is_wrong(html: str) -> list[str]:
    text = EXAMPLES.sub(" ", visible_text(html))
    return ISO_TIMESTAMP.findall(text) + ISO_DATE.findall(text) + UTC.findall(text)


def test_the_check_finds_what_it_looks_for():
    assert what_is_wrong("<p>Seen 2026-12-02 15:00 UTC</p>") == ["2026-12-02 15:00", "2026-12-02", "UTC"]
    assert what_is_wrong('<p title="x">Tue 2 Dec 2026, 10:00 AM</p><input value="2026-12-02">') == []


def _record_everything(cast) -> dict:
    from tests.form_registry import TARGETS  # noqa: F401  the registry imports its appointment part itself
    from tests.forms_appointments import book_for
    from tests.matrix_documents import _document_of

    doctor = actor(cast.doctor)
    made = {"appointment": book_for(cast.patient, cast.doctor).appointment_id, "entries": []}
    for kind, values in (
        ("note", NOTE),
        ("diagnosis", {**DIAGNOSIS, "onset": "2026-01-05"}),
        ("allergy", ALLERGY),
        ("medication", MEDICATION),
        (
            "vitals",
            {"heart_rate": "80", "weight": "70", "weight_unit": "kg", "height": "175", "height_unit": "cm"},
        ),
        (
            "vitals",
            {
                "heart_rate": "72",
                "systolic": "134",
                "diastolic": "86",
                "temperature": "37",
                "temperature_unit": "C",
            },
        ),
        (
            "immunization",
            {"vaccine": "Influenza", "cvx": "141", "given": "2026-10-01", "lot": "A1", "site": "left_arm"},
        ),
    ):
        entry = records_services.chart_entry_add(
            actor=doctor, audit=NO_REQUEST, patient_id=cast.patient.sub, kind=kind, values=values
        )
        made["entries"].append(entry.entry_id)
    reference = _document_of(cast.patient.sub)
    result = records_services.chart_entry_add(
        actor=doctor,
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="result",
        values={
            "test_name": "Potassium",
            "loinc": "2823-3",
            "value": "5.9",
            "unit": "mmol/L",
            "range_low": "3.5",
            "range_high": "5.1",
            "collected": "2026-11-30",
            "report_reference": reference,
            "report_name": "Private.pdf",
        },
    )
    made["result"] = result.entry_id
    made["visit"] = completed_visit(cast).appointment_id
    made["entries"].append(result.entry_id)
    # The entry's page after an amendment shows its earlier version too.
    records_services.chart_entry_amend(
        actor=doctor,
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        entry_id=made["entries"][0],
        kind="note",
        values={**NOTE, "plan": "Rest and fluids"},
        reason="Plan was incomplete",
        expected_version=1,
    )
    return made


def _pages(cast, who: str, made: dict) -> list[str]:
    pages = [
        route.url(cast)
        for route in ROUTES
        # the other doctor opens the chart's pages under their emergency grant
        if who in route.allowed | route.not_found and route.ok_status == 200 and "/admin/" not in route.path
    ]
    patient = cast.patient.sub
    if who == PATIENT:
        pages += [f"/patient/appointments/{made['appointment']}/", f"/patient/results/{made['result']}/"]
        pages += [f"/patient/appointments/{made['visit']}/", f"/patient/visits/{made['visit']}/"]
    else:
        pages += [f"/doctor/patients/{patient}/entries/{entry_id}/" for entry_id in made["entries"]]
        pages.append(f"/doctor/visits/{made['visit']}/")
    return pages


@pytest.mark.parametrize("who", [PATIENT, DOCTOR, OTHER_DOCTOR])
def test_no_page_shows_an_iso_time_or_utc(cast, who):
    made = _record_everything(cast)
    client = Client()
    sign_in(client, getattr(cast, who).email)
    if who == OTHER_DOCTOR:  # under emergency access: the banner and the chart's notice show its end
        taken = client.post(
            "/doctor/patients/emergency/",
            {
                "given_name": "Jordan",
                "family_name": "Example",
                "date_of_birth": "1985-04-12",
                "identifier": "0147",
                "reason": "Unconscious",
            },
        )
        assert taken.status_code == 302

    shown = {}
    for path in _pages(cast, who, made):
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # a download (FHIR is for machines; the PDF has its own test)
        shown[path] = what_is_wrong(response.content.decode())

    assert len(shown) >= 5
    if who == OTHER_DOCTOR:
        assert f"/doctor/patients/{cast.patient.sub}/" in shown  # seen through the grant
    else:  # a visit's summary, with its vitals' times and its medicines' dates
        assert any("/visits/" in path for path in shown)
    assert {path: found for path, found in shown.items() if found} == {}
