"""A decision's email that SES could not take (or the applicant lost) is
sent again from the application's admin page: the same message, audited,
nothing else changed; while SES is still down the admin is told so."""

from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError

from audit import repository as audit_log
from clinicians.applications import repository
from clinicians.applications.domain import REJECT, REQUEST_INFORMATION
from clinicians.tests.support import decide, submitted
from tests import faults
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _refuse(request, operation):
    raise EndpointConnectionError(endpoint_url=request.url)


def _messages(client, response) -> list[str]:
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


@pytest.mark.parametrize(
    "decision,note",
    [(REJECT, "Licence not verifiable."), (REQUEST_INFORMATION, "Please send a clearer scan.")],
)
def test_a_decision_email_that_could_not_go_is_sent_again_from_the_application(
    client, cast, outbox, decision, note
):
    application = submitted()
    sign_in(client, cast.admin.email)
    with faults.at_send("sesv2", _refuse):
        decided = decide(client, application, decision, note=note)
    assert "Send it again from the application's page" in _messages(client, decided)[0]
    assert [mail for mail in outbox() if note in mail.body] == []
    page = client.get(f"/admin/clinicians/application/{application.application_id}/").content.decode()
    assert "Email the decision again" in page

    resent = client.post(f"/admin/clinicians/application/{application.application_id}/resend-email/")

    assert "emailed again to avery.applicant@example.com" in _messages(client, resent)[0]
    [mail] = [mail for mail in outbox() if note in mail.body]
    assert mail.to == [application.email] and application.application_id in mail.subject
    [event] = audit_log.list_by("action", "clinician_application.email_resent")[0]
    assert (event.outcome, event.user_id, event.resource_id) == (
        "allowed",
        cast.admin.sub,
        application.application_id,
    )
    assert note not in str(event.detail)


def test_resending_while_ses_is_still_down_says_so_and_changes_nothing(client, cast):
    application = submitted()
    sign_in(client, cast.admin.email)
    decide(client, application, REJECT, note="Licence not verifiable.")
    before = repository.get(application.application_id)

    with faults.at_send("sesv2", _refuse):
        resent = client.post(f"/admin/clinicians/application/{application.application_id}/resend-email/")

    assert "could not be sent again" in _messages(client, resent)[-1]
    assert repository.get(application.application_id) == before
    [event] = audit_log.list_by("action", "clinician_application.email_resent")[0]
    assert event.outcome == "failed"


def test_an_application_without_a_decision_email_has_none_to_resend(client, cast):
    application = submitted()
    sign_in(client, cast.admin.email)

    page = client.get(f"/admin/clinicians/application/{application.application_id}/").content.decode()
    resent = client.post(f"/admin/clinicians/application/{application.application_id}/resend-email/")

    assert "Email the decision again" not in page
    assert "has no decision email to send again" in _messages(client, resent)[-1]
    assert audit_log.list_by("action", "clinician_application.email_resent")[0] == []
