"""A password reset changes the password only: a person with two-step
sign-in on (every doctor and admin; a patient who turned it on) is asked for
their authenticator's code at the next sign-in, as Cognito asks."""

import re

import pytest
from django.test import Client

from medisecure import aws
from medisecure.identity import cognito
from tests.support import TEST_PASSWORD, mail_to, sign_in, totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Horse-7-Staple!"


def _with_totp(email, settings) -> str:
    """Turn TOTP on for the person, through the portal's own enrolment calls."""
    token = aws.client("cognito-idp").admin_initiate_auth(
        # The admin API: the app client allows no password flow of its own.
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        ClientId=settings.OIDC_RP_CLIENT_ID,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": email,
            "PASSWORD": TEST_PASSWORD,
            "SECRET_HASH": cognito.secret_hash(email),
        },
    )["AuthenticationResult"]["AccessToken"]
    secret = cognito.begin_totp_enrolment(token)
    cognito.finish_totp_enrolment(token, totp_code(secret))
    return secret


def _reset(local_stack, email) -> None:
    browser = Client()
    browser.post("/account/forgot-password/", {"email": email})
    code = re.search(r"code is (\d{6})", mail_to(local_stack, email)[-1]["body"]).group(1)
    done = browser.post(
        "/account/forgot-password/code/",
        {"code": code, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done["Location"] == "/account/forgot-password/done/"


@pytest.mark.parametrize("who", ["doctor", "patient"])
def test_after_a_reset_the_authenticator_is_still_asked_for(cast, settings, local_stack, who):
    email = getattr(cast, who).email
    secret = _with_totp(email, settings)
    _reset(local_stack, email)
    with pytest.raises(AssertionError, match="did not sign in"):
        sign_in(Client(), email, NEW_PASSWORD)  # the new password alone is not enough
    assert sign_in(Client(), email, NEW_PASSWORD, totp_secret=secret).status_code == 302
