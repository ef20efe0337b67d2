"""Emergency access ("break the glass"): a doctor outside the care team, the
patient's exact name and date of birth, a mandatory reason, a grant that
expires, a banner, an email to the admins, and a review list."""

from datetime import timedelta

import pytest
from django.test import Client

from audit import repository as audit_log
from medisecure import clock
from tests.support import mail_to, sign_in

pytestmark = pytest.mark.django_db

JORDAN = {
    "given_name": "Jordan",
    "family_name": "Example",
    "date_of_birth": "1985-04-12",
    "identifier": "0147",
    "reason": "Unconscious in A&E",
}


@pytest.fixture
def other_doctor_client(client, cast):
    sign_in(client, cast.other_doctor.email)
    return client


def _chart(cast):
    return f"/doctor/patients/{cast.patient.sub}/"


def test_a_doctor_outside_the_care_team_opens_the_chart_after_breaking_the_glass(
    other_doctor_client, cast, settings, local_stack
):
    settings.EMERGENCY_ACCESS_NOTIFY = ["admin@medisecure.test", "privacy@medisecure.test"]
    assert other_doctor_client.get(_chart(cast)).status_code == 404

    response = other_doctor_client.post("/doctor/patients/emergency/", {**JORDAN, "given_name": " jordan "})

    assert response.status_code == 302 and response["Location"] == _chart(cast)
    chart = other_doctor_client.get(_chart(cast))
    assert chart.status_code == 200 and "Emergency access." in chart.content.decode()
    # every page shows the banner while the grant lasts
    assert "Emergency access in effect" in other_doctor_client.get("/doctor/patients/").content.decode()
    for address in ("admin@medisecure.test", "privacy@medisecure.test"):
        [notice] = mail_to(local_stack, address)
        assert "Dr Drew Elsewhere" in notice["body"] and "Jordan" not in notice["body"]
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    assert ("emergency.grant", "allowed") in [(e.action, e.outcome) for e in events]
    assert {"access": "emergency"} in [e.detail for e in events if e.action == "chart.read"]


def test_it_requires_a_reason_and_the_exact_name_and_date_of_birth(other_doctor_client, cast):
    no_reason = other_doctor_client.post("/doctor/patients/emergency/", {**JORDAN, "reason": ""})
    assert no_reason.status_code == 200 and "This field is required." in no_reason.content.decode()

    wrong_birth = other_doctor_client.post(
        "/doctor/patients/emergency/", {**JORDAN, "date_of_birth": "1985-04-13"}
    )
    assert "No single patient has exactly that name, date of birth" in wrong_birth.content.decode()

    near_name = other_doctor_client.post("/doctor/patients/emergency/", {**JORDAN, "family_name": "Exampl"})
    assert "No single patient" in near_name.content.decode()
    assert other_doctor_client.get(_chart(cast)).status_code == 404


def test_the_grant_expires_after_the_configured_time_whatever_the_table_still_holds(
    other_doctor_client, cast, settings, monkeypatch
):
    settings.EMERGENCY_ACCESS_MINUTES = 30
    other_doctor_client.post("/doctor/patients/emergency/", JORDAN)
    assert other_doctor_client.get(_chart(cast)).status_code == 200

    later = clock.now() + timedelta(minutes=31)
    monkeypatch.setattr("medisecure.clock.now", lambda: later)

    assert other_doctor_client.get(_chart(cast)).status_code == 404
    assert "Emergency access in effect" not in other_doctor_client.get("/doctor/patients/").content.decode()
    # an expired grant may be replaced by a new one
    assert other_doctor_client.post("/doctor/patients/emergency/", JORDAN).status_code == 302
    assert other_doctor_client.get(_chart(cast)).status_code == 200


def test_a_doctor_in_the_care_team_is_sent_to_the_chart_without_a_grant(client, cast, local_stack):
    sign_in(client, cast.doctor.email)

    response = client.post("/doctor/patients/emergency/", JORDAN)

    assert response["Location"] == _chart(cast)
    assert mail_to(local_stack, "admin@medisecure.test") == []


def test_the_admin_reviews_every_grant(other_doctor_client, cast):
    other_doctor_client.post("/doctor/patients/emergency/", JORDAN)
    admin = Client()
    sign_in(admin, cast.admin.email)

    page = admin.get("/admin/patients/emergency-access/")

    body = page.content.decode()
    assert page.status_code == 200
    assert "Dr Drew Elsewhere" in body and "Jordan Example" in body and "Unconscious in A&amp;E" in body
    assert f"patient={cast.patient.sub}" in body


def test_a_second_grant_while_the_first_runs_is_refused_by_its_write_and_sent_to_the_chart(
    other_doctor_client, cast
):
    assert other_doctor_client.post("/doctor/patients/emergency/", JORDAN).status_code == 302

    again = other_doctor_client.post("/doctor/patients/emergency/", JORDAN, follow=True)

    assert again.redirect_chain[0] == (_chart(cast), 302)
    assert "Your emergency access to this patient is still running." in again.content.decode()
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    assert [e.outcome for e in events if e.action == "emergency.grant"] == ["allowed"]
