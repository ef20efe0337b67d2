"""DynamoDB round trips per page, counted at botocore's send hook."""

import pytest

from tests.support import sign_in

pytestmark = pytest.mark.django_db


# Signing in writes an audit event, so the thread already knows its audit
# chain's head (audit.repository remembers it): the steady state every page
# after the first is in.


def test_the_doctors_home_costs_three_round_trips(client, cast, dynamodb_calls):
    sign_in(client, cast.doctor.email)
    dynamodb_calls.clear()

    assert client.get("/doctor/").status_code == 200

    # the provider, one page of the care team, and the audit append
    assert dynamodb_calls == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1}


def test_the_patients_home_costs_four_round_trips(client, cast, dynamodb_calls):
    sign_in(client, cast.patient.email)
    dynamodb_calls.clear()

    assert client.get("/patient/").status_code == 200

    # the patient, their care team, its doctors in one batch, and the audit append
    assert dynamodb_calls == {"GetItem": 1, "Query": 1, "BatchGetItem": 1, "TransactWriteItems": 1}


def test_a_refused_page_touches_no_phi_table(client, cast, dynamodb_calls):
    sign_in(client, cast.marketer.email)
    dynamodb_calls.clear()

    assert client.get("/patient/").status_code == 403

    assert dynamodb_calls == {"TransactWriteItems": 1}  # the audit append only
