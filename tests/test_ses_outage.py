"""SES unreachable: every flow that sends mail finishes its own change, says
plainly that the email did not go, and loses nothing. (The sign-up code and
its resend: patients/tests/test_signup_rules.py; the approval invitation,
re-sent by approving again: clinicians/tests/test_approval.py; a decision's
email, sent again from the application's admin page:
clinicians/tests/test_email_resend.py.)"""

from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError

from clinicians.applications import repository
from clinicians.applications.domain import NEEDS_INFORMATION, PENDING, REQUEST_INFORMATION
from clinicians.tests.support import apply, decide, latest_for, submitted
from tests import faults
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def _refuse(request, operation):
    raise EndpointConnectionError(endpoint_url=request.url)


def test_an_application_sent_while_ses_is_down_is_kept_and_the_applicant_is_told(client, aws, caplog):
    with faults.at_send("sesv2", _refuse):
        response = apply(client)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    stored = latest_for("avery.applicant@example.com")
    assert stored.status == PENDING and stored.application_id in page
    assert "We could not send the confirmation email just now" in page and "please note the reference" in page
    assert "avery.applicant@example.com" not in caplog.text


def test_a_request_for_information_while_ses_is_down_is_kept_and_the_admin_told_whom_to_contact(client, cast):
    application = submitted()
    sign_in(client, cast.admin.email)

    with faults.at_send("sesv2", _refuse):
        response = decide(client, application, REQUEST_INFORMATION, note="Please send a clearer scan.")

    assert repository.get(application.application_id).status == NEEDS_INFORMATION
    [message] = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert "could not be sent" in message and application.email in message
