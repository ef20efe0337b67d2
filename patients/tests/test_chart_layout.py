"""The doctor's chart as it reads: every demographic in full (email, phone
as the clinic's country dials it, address, emergency contact), the allergies
the patient reports next to the recorded ones, vitals that never break a
number, one emergency banner, and a documents tab in the doctor's words."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from medisecure.identity.actors import NO_REQUEST
from patients import selectors as patients
from patients import services as patient_services
from patients.documents import services as documents
from patients.documents.domain import DocumentUpload
from patients.records import services as records_services
from patients.tests.documents_support import PDF
from patients.tests.records_support import ALLERGY, actor
from tests.support import sign_in

pytestmark = pytest.mark.django_db

PROFILE = {
    "phone": "+12125550143",
    "address_line1": "1234 Avenue of the Americas, Apartment 56B",
    "address_line2": "Building C",
    "city": "New York",
    "region": "NY",
    "postal_code": "10001-4567",
    "emergency_contact_name": "Maria Fernández-Oyelaran",
    "emergency_contact_relationship": "sister",
    "emergency_contact_phone": "+442079460018",
    "preferred_language": "es",
    "allergies_summary": "Peanuts (throat swelling)",
}
VITALS = {
    "heart_rate": "72",
    "temperature": "37.2",
    "temperature_unit": "C",
    "systolic": "120",
    "diastolic": "80",
}
EMERGENCY = {
    "given_name": "Jordan",
    "family_name": "Example",
    "date_of_birth": "1985-04-12",
    "identifier": "0147",
    "reason": "Unconscious in A&E",
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _section(body: str, heading_id: str) -> str:
    start = body.rindex("<section", 0, body.index(f'id="{heading_id}"'))
    return body[start : body.index("</section>", start)]


def _chart(client, cast) -> str:
    response = client.get(f"/doctor/patients/{cast.patient.sub}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def doctor(client, cast):
    sign_in(client, cast.doctor.email)
    return client


@pytest.fixture
def profiled(cast):
    current = patients.patient_get(patient_id=cast.patient.sub)
    patient_services.patient_profile_update(
        actor=actor(cast.patient), audit=NO_REQUEST, values=PROFILE, expected_version=current.version
    )


def test_the_demographics_show_every_field_in_full(doctor, cast, profiled):
    demographics = _section(_chart(doctor, cast), "about-heading")
    text = _text(demographics)

    for shown in (
        "patient@medisecure.test",
        "(212) 555-0143",
        "1234 Avenue of the Americas, Apartment 56B",
        "Building C",
        "New York, NY 10001-4567",
        "Spanish",
        "Maria Fernández-Oyelaran (sister)",
        "+44 20 7946 0018",  # another country's number keeps its country code
    ):
        assert shown in text
    assert "+12125550143" not in text
    # Outside the narrow columns of the panels below, each answer under its label.
    assert 'class="panel chart-demographics"' in demographics
    assert demographics.index("chart-demographics") < _chart(doctor, cast).index('class="grid-2"')
    assert 'class="details' not in demographics


def test_the_allergies_the_patient_reports_sit_beside_the_recorded_ones(doctor, cast, profiled):
    records_services.chart_entry_add(
        actor=actor(cast.doctor),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        kind="allergy",
        values=ALLERGY,
    )

    body = _chart(doctor, cast)

    allergies = _text(_section(body, "allergies-heading"))
    assert "Recorded" in allergies and "Penicillin" in allergies
    assert "The patient reports Peanuts (throat swelling)" in allergies
    assert "Peanuts" not in _text(_section(body, "about-heading"))


def test_a_patient_who_reports_no_allergies_is_said_to_have_reported_none(doctor, cast):
    allergies = _text(_section(_chart(doctor, cast), "allergies-heading"))

    assert "No allergies recorded." in allergies
    assert "The patient has not reported any allergies." in allergies


def test_each_vital_is_one_unbroken_value(doctor, cast):
    records_services.chart_entry_add(
        actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub, kind="vitals", values=VITALS
    )

    vitals = _section(_chart(doctor, cast), "vitals-heading")

    values = re.findall(r'<dd class="([^"]*)">([^<]*)</dd>', vitals)
    assert {value for _, value in values} >= {"120/80", "72", "37.2"}
    assert all("vital-value" in classes.split() for classes, _ in values)
    css = (Path(settings.BASE_DIR) / "static/css/records.css").read_text()
    assert re.search(r"\.vital-value \{[^}]*white-space: nowrap", css)


def _break_the_glass(client, cast) -> None:
    sign_in(client, cast.other_doctor.email)
    assert client.post("/doctor/patients/emergency/", EMERGENCY).status_code == 302


def _banners(body: str) -> int:
    return body.count("Emergency access in effect") + body.count("<strong>Emergency access.</strong>")


def test_the_emergency_banner_appears_once_on_each_page_of_the_chart(client, cast):
    _break_the_glass(client, cast)
    chart = f"/doctor/patients/{cast.patient.sub}/"

    for page in (chart, f"{chart}history/", f"{chart}documents/", f"{chart}results/new/"):
        body = client.get(page).content.decode()
        assert _banners(body) == 1, page
        assert "<strong>Emergency access.</strong>" in body  # the chart's own, from the grant itself
    # Elsewhere the session's banner still follows the doctor.
    assert _banners(client.get("/doctor/patients/").content.decode()) == 1


def _upload_as(person, cast) -> None:
    documents.chart_document_upload(
        actor=actor(person),
        audit=NO_REQUEST,
        patient_id=cast.patient.sub,
        upload=DocumentUpload(
            file=io.BytesIO(PDF), content_type="application/pdf", file_name="Letter.pdf", size=len(PDF)
        ),
    )


def test_the_doctors_documents_tab_speaks_to_the_doctor(doctor, cast):
    _upload_as(cast.doctor, cast)

    mine = doctor.get(f"/doctor/patients/{cast.patient.sub}/documents/").content.decode()
    patient = Client()
    sign_in(patient, cast.patient.email)
    theirs = patient.get("/patient/documents/").content.decode()

    assert "Letter.pdf" in mine and "added by you" in mine and "by your doctor" not in mine
    assert "Letter.pdf" in theirs and "by your doctor" in theirs


def test_another_doctors_document_reads_as_theirs_on_the_chart(client, cast):
    _upload_as(cast.doctor, cast)
    _break_the_glass(client, cast)

    body = client.get(f"/doctor/patients/{cast.patient.sub}/documents/").content.decode()

    assert "added by another doctor" in body and "by your doctor" not in body and "added by you" not in body
