"""What the person sees when AWS fails part-way through making their
account (test_signup_recovery.py crashes the process at the same points):
a plain 503 page that shows no stack trace and no personal detail, no
account half-visible, and entering the same code again finishes it once."""

from __future__ import annotations

import pytest

from clinicians.tests.test_approval_recovery import Outage
from medisecure.tables import PATIENTS, physical_name
from patients.signup import repository
from patients.signup.domain import VERIFIED
from patients.tests.test_signup_recovery import EMAIL, _assert_one_complete_account
from tests import faults

pytestmark = pytest.mark.django_db

OUTAGES = {
    "claiming-the-code": ("dynamodb", Outage("TransactWriteItems")),
    "looking-for-the-user": ("cognito-idp", Outage("AdminGetUser")),
    "creating-the-user": ("cognito-idp", Outage("AdminCreateUser")),
    "right-after-the-user-is-created": ("cognito-idp", Outage("AdminGetUser", after="AdminCreateUser")),
    "setting-the-password": ("cognito-idp", Outage("AdminSetUserPassword")),
    "joining-the-patient-group": ("cognito-idp", Outage("AdminAddUserToGroup")),
    "writing-the-patient-record": (
        "dynamodb",
        Outage("TransactWriteItems", carrying=physical_name(PATIENTS)),
    ),
}


@pytest.mark.parametrize("point", sorted(OUTAGES))
def test_an_outage_part_way_is_a_plain_503_and_the_same_code_finishes_the_account(
    signup, clock, client, point
):
    service, outage = OUTAGES[point]
    signup.start()
    code = signup.latest_code()
    client.raise_request_exception = False

    with faults.at_send(service, outage):
        failed = signup.verify(code)
        outage.on = False

    assert failed.status_code == 503 and failed["Retry-After"]
    body = failed.content.decode()
    assert "Traceback" not in body and EMAIL not in body and "Avery" not in body
    assert repository.signup_get(EMAIL, client.session["signup"]["created_at"]).status != VERIFIED
    assert signup.verify(code).url == "/signup/complete/"
    _assert_one_complete_account(client)
