"""The audit trail in the admin, as an admin uses it."""

import csv
import io
from datetime import UTC

import pytest

from audit import repository
from tests.support import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast):
    sign_in(client, cast.admin.email)
    return client


@pytest.fixture
def patient_visits(cast):
    """The patient opens their home page twice, in their own browser."""
    from django.test import Client

    patient = Client(HTTP_USER_AGENT='=HYPERLINK("http://evil.example")')
    sign_in(patient, cast.patient.email)
    patient.get("/patient/")
    patient.get("/patient/")


def test_it_filters_by_patient_email_and_action_on_the_patient_index(
    admin_client, cast, patient_visits, dynamodb_calls
):
    dynamodb_calls.clear()
    response = admin_client.get(
        "/admin/audit/", {"patient": "patient@medisecure.test", "action": "patient.home.read"}
    )

    assert response.status_code == 200
    events = response.context["events"]
    assert [(e.action, e.patient_id) for e in events] == [("patient.home.read", cast.patient.sub)] * 2
    assert dynamodb_calls["Query"] == 2  # the patient by email, then one page of their events


def test_it_says_which_field_names_nobody(admin_client, cast):
    response = admin_client.get("/admin/audit/", {"user": "nobody@clinic.example"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "user": ["Nobody with this email has signed in to the portal."]
    }


def test_it_shows_every_field_of_an_event_and_its_seal(admin_client, cast, patient_visits):
    event = repository.list_by("patientId", cast.patient.sub)[0][0]

    response = admin_client.get(f"/admin/audit/event/{event.event_id}/{event.timestamp}/")

    body = response.content.decode()
    assert response.status_code == 200 and "This event matches its seal." in body
    for value in (event.event_id, event.hash, event.prev_hash, event.request_id, cast.patient.sub):
        assert value in body


def test_it_exports_the_filtered_events_as_a_streamed_csv_and_records_the_export(
    admin_client, cast, patient_visits
):
    response = admin_client.get("/admin/audit/export.csv", {"patient": cast.patient.sub})

    assert response.streaming and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["action"] for row in rows] == ["patient.home.read", "patient.home.read"]
    assert all(row["user_agent"].startswith("'=HYPERLINK") for row in rows)  # no formula runs
    exports = repository.list_by("action", "audit.export")[0]
    assert [(e.user_id, e.detail) for e in exports] == [(cast.admin.sub, {"patient_id": cast.patient.sub})]


def test_it_verifies_a_period_and_gives_a_verdict(admin_client, cast, patient_visits):
    from datetime import datetime

    today = datetime.now(UTC).date().isoformat()
    response = admin_client.get("/admin/audit/verify/", {"since": today, "until": today})

    assert response.status_code == 200
    assert "Every chain is intact" in response.content.decode()
    assert response.context["verdict"].events_checked >= 4


def test_the_admin_index_lists_the_audit_trail(admin_client):
    body = admin_client.get("/admin/").content.decode()

    assert "Compliance" in body and "/admin/audit/" in body


def test_verify_without_dates_checks_the_last_seven_days(admin_client):
    from datetime import datetime, timedelta

    from audit.domain import timestamp_bound
    from medisecure import clinic_time

    today = clinic_time.in_clinic(datetime.now(UTC)).date()
    response = admin_client.get("/admin/audit/verify/", {"since": "", "until": ""})

    verdict = response.context["verdict"]
    assert (verdict.since, verdict.until) == (
        timestamp_bound(today - timedelta(days=6), end=False, zone=clinic_time.zone()),
        timestamp_bound(today, end=True, zone=clinic_time.zone()),
    )


def test_verify_refuses_a_period_longer_than_31_days_and_says_so(admin_client):
    response = admin_client.get("/admin/audit/verify/", {"since": "2026-01-01", "until": "2026-02-01"})

    assert response.context["verdict"] is None
    assert "Verify at most 31 days at a time." in response.content.decode()


def test_verify_shows_the_last_nightly_run(admin_client, settings):
    from django.core.management import call_command

    from audit.archive.tests.support import drain

    settings.AUDIT_ARCHIVE_GRACE_SECONDS = 0
    assert "No nightly verification has run yet." in admin_client.get("/admin/audit/verify/").content.decode()
    drain()
    call_command("audit_verify", "--scheduled", stdout=io.StringIO())

    body = admin_client.get("/admin/audit/verify/").content.decode()

    assert "Last run" in body and "Intact." in body
    assert "UTC" not in body.split("Nightly verification")[1].split("</section>")[0]
