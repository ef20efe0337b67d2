"""The admin adds and removes care-team members; each change is audited and
decides at once who may open the chart."""

import pytest
from django.test import Client

from audit import repository as audit_log
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def test_an_admin_adds_and_removes_a_doctor_and_the_chart_follows(client, cast):
    sign_in(client, cast.admin.email)
    doctor = Client()
    sign_in(doctor, cast.other_doctor.email)
    chart = f"/doctor/patients/{cast.patient.sub}/"

    page = client.get("/admin/patients/care-team/?patient=patient%40medisecure.test")
    assert "Dr Casey Sample" in page.content.decode()

    client.post(
        f"/admin/patients/care-team/{cast.patient.sub}/add/", {"doctor": "other.doctor@medisecure.test"}
    )
    assert doctor.get(chart).status_code == 200

    client.post(f"/admin/patients/care-team/{cast.patient.sub}/remove/{cast.other_doctor.sub}/")
    assert doctor.get(chart).status_code == 404

    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    changes = [
        (e.action, e.user_id, e.detail["provider_id"])
        for e in events
        if e.action.startswith("careteam.") and e.detail.get("provider_id")
    ]
    assert sorted(changes) == sorted(
        [
            ("careteam.add", cast.admin.sub, cast.other_doctor.sub),
            ("careteam.remove", cast.admin.sub, cast.other_doctor.sub),
        ]
    )


def test_it_says_when_no_patient_has_the_email(client, cast):
    sign_in(client, cast.admin.email)

    page = client.get("/admin/patients/care-team/?patient=nobody%40example.com")

    assert "No patient has this email address." in page.content.decode()


def test_adding_a_doctor_already_in_the_care_team_says_so_and_changes_nothing(client, cast):
    sign_in(client, cast.admin.email)

    page = client.post(
        f"/admin/patients/care-team/{cast.patient.sub}/add/", {"doctor": cast.doctor.email}, follow=True
    )

    assert "That doctor is already in the care team." in page.content.decode()
    events, _ = audit_log.list_by("patientId", cast.patient.sub)
    assert [e for e in events if e.action == "careteam.add"] == []
