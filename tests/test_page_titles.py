"""No PHI in the browser's chrome: a page's <title> (the tab, the history,
the bookmarks) names the page, never the patient. Every page of the access
matrix, opened by each person who may see patients' records, and the pages
of real records the matrix's cast does not have (a chart entry, a thread)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from medisecure.identity.actors import NO_REQUEST
from patients.messages.tests.support import actor, start_thread
from patients.records import services as records_services
from patients.tests.records_support import NOTE
from patients.visits.tests.support import completed_visit
from portal.seeding import DEMO_CAST
from tests.access_matrix import ADMIN, DOCTOR, OTHER_PATIENT, PATIENT, ROUTES
from tests.phi_markers import OTHER_PATIENT as OTHER_PATIENT_PERSON
from tests.phi_markers import person_markers
from tests.support import sign_in

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
PATIENTS = [person for person in DEMO_CAST if person.role.value == "patient"] + [OTHER_PATIENT_PERSON]


def _title(response) -> str:
    found = TITLE.search(response.content.decode())
    assert found, "a page without a title"
    return unescape(found.group(1))


def _names_in(title: str) -> list[str]:
    return [marker for person in PATIENTS for marker in person_markers(person) if marker in title]


@pytest.mark.parametrize("who", [PATIENT, OTHER_PATIENT, DOCTOR, ADMIN])
def test_no_page_title_of_the_access_matrix_names_a_patient(cast, who):
    client = Client()
    sign_in(client, getattr(cast, who).email)
    seen = 0
    for route in ROUTES:
        if who not in route.allowed or route.ok_status != 200:
            continue
        response = client.get(route.url(cast))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        assert _names_in(_title(response)) == [], route.path
    assert seen > 3


def test_the_titles_of_a_chart_entry_a_thread_and_a_visit_summary_name_no_patient(cast):
    entry = records_services.chart_entry_add(
        actor=actor(cast.doctor), audit=NO_REQUEST, patient_id=cast.patient.sub, kind="note", values=NOTE
    )
    thread = start_thread(cast).thread
    visit = completed_visit(cast)
    doctor, patient = Client(), Client()
    sign_in(doctor, cast.doctor.email)
    sign_in(patient, cast.patient.email)
    pages = [
        (doctor, f"/doctor/patients/{cast.patient.sub}/"),
        (doctor, f"/doctor/patients/{cast.patient.sub}/entries/{entry.entry_id}/"),
        (doctor, f"/doctor/patients/{cast.patient.sub}/documents/"),
        (doctor, f"/doctor/messages/{cast.patient.sub}/{thread.thread_id}/"),
        (patient, f"/patient/messages/{thread.thread_id}/"),
        (patient, "/patient/"),
        (doctor, f"/doctor/visits/{visit.appointment_id}/"),
        (patient, f"/patient/visits/{visit.appointment_id}/"),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _names_in(_title(response)) == [], path
