"""An approval cut short between any two of its steps (claim, Cognito user,
doctor group, invitation, provider record) leaves no doctor half-made: the
application shows as unfinished, no provider exists, and approving again
finishes it with one Cognito user and one provider record. Failures are
injected at botocore's send boundary. (The provider write and the invitation
email are covered in test_approval.py.)"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from botocore.exceptions import EndpointConnectionError

from clinicians.applications import repository
from clinicians.applications.domain import APPROVE, APPROVED, APPROVING, PENDING
from clinicians.tests.support import decide, pool_users_with_email, submitted
from clinicians.tests.test_approval import _challenge, _groups, _providers_for, _temporary_passwords
from tests import faults

pytestmark = pytest.mark.django_db


@dataclass
class Outage:
    """`operation` of `service` cannot be reached (every attempt botocore
    makes) while `on`; with `after`, only once `after` has been sent; with
    `carrying`, only requests whose body names it (a table)."""

    operation: str
    after: str | None = None
    carrying: str | None = None
    on: bool = True
    seen_after: bool = False

    def __call__(self, request, operation):
        if operation == self.after:
            self.seen_after = True
        if (
            self.on
            and operation == self.operation
            and (self.after is None or self.seen_after)
            and self._carries(request)
        ):
            raise EndpointConnectionError(endpoint_url=request.url)
        return None

    def _carries(self, request) -> bool:
        if self.carrying is None:
            return True
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        return f'"{self.carrying}"' in body


COGNITO_STEPS = {
    "creating-the-user": Outage("AdminCreateUser"),
    "right-after-the-user-is-created": Outage("AdminListGroupsForUser", after="AdminCreateUser"),
    "joining-the-doctor-group": Outage("AdminAddUserToGroup"),
}


@pytest.mark.parametrize("step", sorted(COGNITO_STEPS))
def test_an_approval_cut_short_at_a_cognito_step_is_finished_by_approving_again(admin_client, outbox, step):
    outage = COGNITO_STEPS[step]
    application = submitted()

    with faults.at_send("cognito-idp", outage):
        failed = decide(admin_client, application, APPROVE)
        outage.on = False

    messages = [str(m) for m in admin_client.get(failed["Location"]).context["messages"]]
    assert any("did not finish" in message for message in messages)
    halfway = repository.get(application.application_id)
    assert halfway.status == APPROVING and _providers_for(application.email) == []
    assert len(pool_users_with_email(application.email)) <= 1
    assert not any("approved" in mail.subject for mail in outbox())  # no invitation to an unfinished account

    decide(admin_client, halfway, APPROVE)

    approved = repository.get(application.application_id)
    assert approved.status == APPROVED
    [user] = pool_users_with_email(application.email)
    assert user["Username"] and _groups(application.email) == ["doctor"]
    assert [p["providerId"] for p in _providers_for(application.email)] == [approved.provider_id]
    [password] = _temporary_passwords(outbox, application.email)
    assert _challenge(application.email, password) == "NEW_PASSWORD_REQUIRED"


def test_an_approval_whose_claim_cannot_be_written_changes_nothing_and_approves_when_repeated(
    admin_client, outbox
):
    application = submitted()
    claim = Outage("TransactWriteItems")
    admin_client.raise_request_exception = False

    with faults.at_send("dynamodb", claim):
        refused = decide(admin_client, application, APPROVE)
        claim.on = False

    assert refused.status_code == 503 and refused["Retry-After"]
    assert repository.get(application.application_id).status == PENDING
    assert pool_users_with_email(application.email) == []
    decide(admin_client, application, APPROVE)
    assert repository.get(application.application_id).status == APPROVED
    assert len(pool_users_with_email(application.email)) == 1
