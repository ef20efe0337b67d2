"""DynamoDB round trips per page, counted at botocore's send hook."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from tests.support import sign_in

pytestmark = pytest.mark.django_db


# Signing in writes an audit event, so the thread already knows its audit
# chain's head (audit.repository remembers it): the steady state every page
# after the first is in.


def test_the_doctors_day_costs_three_round_trips(client, cast, dynamodb_calls):
    from tests.form_registry import TARGETS  # noqa: F401  the registry imports its appointment part itself
    from tests.forms_appointments import book_for

    booked = book_for(cast.patient, cast.doctor)
    book_for(cast.other_patient, cast.doctor)
    sign_in(client, cast.doctor.email)
    day = booked.start.astimezone(ZoneInfo(settings.CLINIC_TIME_ZONE)).date()
    dynamodb_calls.clear()

    response = client.get("/doctor/", {"start": day.isoformat()})

    assert response.status_code == 200 and response.content.decode().count("Baseline visit") == 2
    # that day's appointments from ProviderAppointmentsIndex, the doctor's
    # hours (the grid's open slots), and the audit append; today's page reads
    # the hours with the unread counter and adds the results to review (below)
    today = datetime.now(ZoneInfo(settings.CLINIC_TIME_ZONE)).date()
    if day != today:
        assert dynamodb_calls == {"Query": 1, "GetItem": 1, "TransactWriteItems": 1}
    dynamodb_calls.clear()

    assert client.get("/doctor/").status_code == 200
    # today: the appointments, the hours with the unread counter in one batch,
    # the results to review, the audit append
    assert dynamodb_calls == {"Query": 2, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_the_patients_home_costs_four_round_trips(client, cast, dynamodb_calls):
    sign_in(client, cast.patient.email)
    dynamodb_calls.clear()

    assert client.get("/patient/").status_code == 200

    # the patient with their unread counter and the audit head in one batch,
    # their next appointments, their new results, and the audit append
    assert dynamodb_calls == {"BatchGetItem": 1, "Query": 2, "TransactWriteItems": 1}


def test_a_refused_page_touches_no_phi_table(client, cast, dynamodb_calls):
    sign_in(client, cast.marketer.email)
    dynamodb_calls.clear()

    assert client.get("/patient/").status_code == 403

    assert dynamodb_calls == {"TransactWriteItems": 1}  # the audit append only


def test_the_analytics_dashboard_costs_one_query_per_chart_and_the_audit_append(client, cast, dynamodb_calls):
    from analytics.selectors import CHARTS

    sign_in(client, cast.marketer.email)
    dynamodb_calls.clear()

    assert client.get("/marketing/").status_code == 200

    # each chart's counters in one Query of its own partition, and the analytics.read event
    assert dynamodb_calls == {"Query": len(CHARTS), "TransactWriteItems": 1}
    assert len(CHARTS) == 8


def test_a_chart_download_costs_one_query_and_the_audit_append(client, cast, dynamodb_calls):
    sign_in(client, cast.marketer.email)
    dynamodb_calls.clear()

    assert client.get("/marketing/appointments.csv").status_code == 200

    assert dynamodb_calls == {"Query": 1, "TransactWriteItems": 1}
