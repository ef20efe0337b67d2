"""DynamoDB round trips of the email change pages."""

import re

import pytest
from django.test import Client

from tests.support import mail_to, sign_in

pytestmark = pytest.mark.django_db

NEW = "round.trip@example.com"


def test_asking_costs_the_rate_limit_count_and_the_audit_write_whether_or_not_the_address_is_free(
    client, cast, dynamodb_calls
):
    Client().post("/account/forgot-password/", {"email": cast.other_patient.email})  # the chain head is known
    sign_in(client, cast.patient.email)
    dynamodb_calls.clear()
    assert client.get("/account/email/").status_code == 200
    assert dynamodb_calls == {}
    client.post("/account/email/", {"email": NEW})
    free = sum(dynamodb_calls.values())
    dynamodb_calls.clear()
    client.post("/account/email/", {"email": cast.doctor.email})
    assert free == sum(dynamodb_calls.values()) == 2


def test_the_right_code_costs_the_record_read_and_one_transaction(client, cast, local_stack, dynamodb_calls):
    Client().post("/account/forgot-password/", {"email": cast.other_patient.email})
    sign_in(client, cast.patient.email)
    client.post("/account/email/", {"email": NEW})
    code = re.search(r"code is (\d{6})", mail_to(local_stack, NEW)[-1]["body"]).group(1)
    dynamodb_calls.clear()
    assert client.get("/account/email/code/").status_code == 200
    assert dynamodb_calls == {}
    assert client.post("/account/email/code/", {"code": code}).status_code == 302
    assert dynamodb_calls == {"BatchGetItem": 1, "TransactWriteItems": 1}
