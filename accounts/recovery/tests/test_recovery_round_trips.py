"""DynamoDB round trips of the password pages: only the audit event's."""

import pytest
from django.test import Client

from tests.support import sign_in

pytestmark = pytest.mark.django_db


def test_asking_for_a_reset_code_costs_only_the_audit_write(client, cast, dynamodb_calls):
    Client().post("/account/forgot-password/", {"email": cast.other_patient.email})  # the chain head is known
    dynamodb_calls.clear()
    assert client.get("/account/forgot-password/").status_code == 200
    assert dynamodb_calls == {}
    client.post("/account/forgot-password/", {"email": cast.patient.email})
    assert sum(dynamodb_calls.values()) == 1


def test_a_password_change_costs_only_the_audit_write(client, cast, dynamodb_calls):
    sign_in(client, cast.patient.email)
    dynamodb_calls.clear()
    assert client.get("/account/password/").status_code == 200
    assert dynamodb_calls == {}
    client.post(
        "/account/password/",
        {"current_password": "wrong-Password-1!", "password": "x", "password_again": "x"},
    )
    assert dynamodb_calls == {}  # refused by the form: nothing written
