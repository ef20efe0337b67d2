"""Hostile text stored through the real forms (a script tag, an attribute
break-out, template syntax, spreadsheet formulas) comes back inert wherever
it is shown: the portal's pages, the Django admin, the emails, and the audit
trail's CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from audit import repository as audit_log
from audit.domain import FORMULA_PREFIXES
from patients import repository as patients
from tests.form_registry import PDF
from tests.support import mail_to, sign_in

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
TEMPLATE_VARIABLE = "{{ request }}"
TEMPLATE_TAG = "{% debug %}"
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-1-1", "@SUM(A1)")
HOSTILE_TEXT = (SCRIPT, BREAKOUT, TEMPLATE_VARIABLE, TEMPLATE_TAG, *FORMULAS)
# What would show that the text ran instead of being shown: the tags
# themselves, or the output of template code evaluated against the context.
EXECUTED = ("<script>alert", "<img src=x", "WSGIRequest", "<module '", "sql_queries")


def assert_inert(html: str, *shown: str) -> None:
    """Nothing of the hostile text runs, and each of `shown` is on the page,
    escaped (so the check is not passing because the text was dropped)."""
    for executed in EXECUTED:
        assert executed not in html, executed
    for text in shown:
        assert escape(text) in html, text


def _profile_with(client, patient_id: str, **values) -> dict:
    patient = patients.get(patient_id)
    current = {
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth,
        "phone": patient.phone or "",
        "preferred_language": "",
        "version": patient.version,
    }
    return {**current, **values}


def test_hostile_profile_text_is_inert_on_the_patients_doctors_and_admins_pages(client, cast):
    sign_in(client, cast.patient.email)
    saved = client.post(
        "/patient/profile/",
        _profile_with(
            client,
            cast.patient.sub,
            given_name=SCRIPT,
            family_name=BREAKOUT,
            address_line1=TEMPLATE_VARIABLE,
            address_line2=TEMPLATE_TAG,
            city=FORMULAS[0],
            region=FORMULAS[3],
            emergency_contact_name="Sam " + FORMULAS[1],
            emergency_contact_relationship=FORMULAS[2],
            emergency_contact_phone="+1 212 555 0100",
            allergies_summary="\n".join(HOSTILE_TEXT),
        ),
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]

    assert_inert(client.get("/patient/profile/").content.decode(), *HOSTILE_TEXT)
    # The home greets the patient by their given name only.
    home = client.get("/patient/").content.decode()
    assert_inert(home, SCRIPT)
    assert BREAKOUT not in home

    doctor = Client()
    sign_in(doctor, cast.doctor.email)
    assert_inert(doctor.get("/doctor/patients/").content.decode(), f"{SCRIPT} {BREAKOUT}")

    admin = Client()
    sign_in(admin, cast.admin.email)
    trail = admin.get("/admin/audit/", {"patient": cast.patient.sub}).content.decode()
    assert "patient.profile.update" in trail
    # The trail holds identifiers only: none of the text itself reaches it.
    assert not [text for text in HOSTILE_TEXT if escape(text) in trail or text in trail]


def test_a_hostile_name_is_inert_in_the_sign_up_code_email(client, cast, local_stack):
    response = client.post(
        "/signup/",
        {
            "given_name": SCRIPT,
            "family_name": BREAKOUT,
            "email": "hostile.name@example.com",
            "date_of_birth": "1980-05-17",
            "phone": "+1 212 555 0199",
        },
    )
    assert response.status_code == 302

    [message] = mail_to(local_stack, "hostile.name@example.com")
    assert_inert(message["body"], SCRIPT)


def _hostile_application() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "given_name": SCRIPT,
        "family_name": BREAKOUT,
        "email": "hostile.applicant@example.com",
        "phone": "+1 212 555 0123",
        "specialty": "Cardiology",
        "licence_number": "MD-204518",
        "licence_region": TEMPLATE_VARIABLE,
        "licence_expiry": (timezone.localdate() + timedelta(days=400)).isoformat(),
        "npi": "",
        "years_of_practice": "8",
        "statement": "\n".join((TEMPLATE_TAG, *FORMULAS)),
        "licence_scan": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"),
    }


def test_a_hostile_clinician_application_is_inert_in_the_admin_and_in_every_email(client, cast, local_stack):
    assert Client().post("/clinicians/apply/", _hostile_application()).status_code == 302
    sign_in(client, cast.admin.email)

    listing = client.get("/admin/clinicians/application/").content.decode()
    assert_inert(listing, SCRIPT)
    reference = next(
        line for line in listing.split('"') if line.startswith("/admin/clinicians/application/CA-")
    )
    detail = client.get(reference).content.decode()
    assert_inert(detail, SCRIPT, BREAKOUT, TEMPLATE_VARIABLE, TEMPLATE_TAG, *FORMULAS)

    version = int(detail.split('name="version" value="')[1].split('"')[0])
    note = "\n".join(HOSTILE_TEXT)
    decided = client.post(
        f"{reference}decide/", {"decision": "request_information", "version": version, "note": note}
    )
    assert decided.status_code == 302
    assert_inert(client.get(reference).content.decode(), *HOSTILE_TEXT)

    submitted, asked = mail_to(local_stack, "hostile.applicant@example.com")
    assert_inert(submitted["body"], f"{SCRIPT} {BREAKOUT}")
    assert_inert(asked["body"], f"{SCRIPT} {BREAKOUT}", *HOSTILE_TEXT)


def test_hostile_text_in_the_audit_trail_is_inert_in_the_admin_and_neutralised_in_the_csv(client, cast):
    sign_in(client, cast.admin.email)
    # What anyone can put in an event: their user agent, and the ids they ask for.
    for formula in FORMULAS:
        assert (
            client.get(f"/admin/audit/event/{formula}/{formula}/", HTTP_USER_AGENT=formula).status_code == 404
        )
    assert client.get("/admin/", HTTP_USER_AGENT=SCRIPT + BREAKOUT).status_code == 200
    client.get(f"/admin/audit/event/{SCRIPT}/{TEMPLATE_VARIABLE}/")

    events, _ = audit_log.list_by("userId", cast.admin.sub, limit=50)
    misses = [event for event in events if event.action == "access.not_found"]
    assert {event.user_agent for event in misses} >= set(FORMULAS)
    for event in misses[:2]:
        page = client.get(f"/admin/audit/event/{event.event_id}/{event.timestamp}/").content.decode()
        assert_inert(page, event.user_agent)
    assert_inert(client.get("/admin/audit/", {"user": cast.admin.email}).content.decode())

    export = client.get("/admin/audit/export.csv", {"user": cast.admin.email})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)] == []
    assert {f"'{formula}" for formula in FORMULAS} <= set(cells)  # there, shown as text


def test_a_hostile_document_name_is_inert_on_the_patients_and_doctors_lists(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from patients.tests.documents_support import document_items

    sign_in(client, cast.patient.email)
    uploaded = client.post(
        "/patient/documents/upload/",
        {
            "document": SimpleUploadedFile(
                f"{TEMPLATE_VARIABLE} =1+1 <b>x</b>.pdf", PDF, content_type="application/pdf"
            ),
        },
    )
    assert uploaded.status_code == 302, uploaded.content.decode()[:2000]
    [item] = document_items(cast.patient.sub)
    shown_as = item["fileName"]  # what is left once the name is cleaned of markup
    assert "{" not in shown_as and "<" not in shown_as

    doctor = Client()
    sign_in(doctor, cast.doctor.email)
    for page in (
        client.get("/patient/documents/").content.decode(),
        doctor.get(f"/doctor/patients/{cast.patient.sub}/documents/").content.decode(),
    ):
        assert_inert(page, shown_as)
        assert "<b>x</b>" not in page and TEMPLATE_VARIABLE not in page
