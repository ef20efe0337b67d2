"""Signing in and out through Cognito (the local stack's hosted UI)."""

import time

import pytest
from django.test import Client

from audit import repository as audit_log
from medisecure import aws
from medisecure.identity.session_keys import LAST_SEEN, SIGNED_IN_AT
from medisecure.models import User
from tests.support import (
    HostedUi,
    authorize_redirect,
    first_form,
    hosted_sign_in,
    local_path,
    sign_in,
    totp_code,
)

pytestmark = pytest.mark.django_db

HOMES = {
    "patient": "/patient/",
    "doctor": "/doctor/",
    "admin": "/admin/",
    "marketer": "/marketing/",
}


def _events(attribute, value):
    events, _ = audit_log.list_by(attribute, value)
    return [(event.action, event.outcome) for event in events]


def _cognito():
    return aws.client("cognito-idp")


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_signs_in_and_lands_on_its_home(client, cast, role):
    person = getattr(cast, role)

    callback = sign_in(client, person.email)
    assert callback.status_code == 302 and callback["Location"] == "/home/"
    home = client.get("/home/")

    assert home.status_code == 302 and home["Location"] == HOMES[role]
    assert client.get(HOMES[role]).status_code == 200
    user = User.objects.get(username=person.sub)
    assert user.role == role and user.is_staff == (role == "admin")
    assert not user.has_usable_password()


def test_the_sign_in_is_audited_with_the_users_sub_and_role(client, cast):
    sign_in(client, cast.doctor.email)

    events, _ = audit_log.list_by("userId", cast.doctor.sub)
    assert [(e.action, e.outcome, e.role, e.resource_id) for e in events] == [
        ("auth.sign_in", "allowed", "doctor", cast.doctor.sub)
    ]


def test_signing_in_on_a_second_device_keeps_the_first_devices_session(client, cast):
    """A doctor signed in at the front desk and in a consulting room stays
    signed in at both: only signing out everywhere, a reset or an admin's
    action ends the other sessions."""
    sign_in(client, cast.doctor.email)
    assert client.get("/doctor/").status_code == 200
    second = Client()

    sign_in(second, cast.doctor.email)

    assert second.get("/doctor/").status_code == 200
    assert client.get("/doctor/").status_code == 200


def test_it_keeps_next_only_when_it_stays_on_the_site(client, cast):
    assert sign_in(client, cast.patient.email, next_url="/patient/")["Location"] == "/patient/"
    client.logout()
    assert sign_in(client, cast.patient.email, next_url="https://evil.example/x")["Location"] == "/home/"


def test_it_refuses_a_callback_with_a_state_it_did_not_issue(client, cast):
    callback = hosted_sign_in(
        HostedUi(), authorize_redirect(client), cast.patient.email, "Correct-Horse-9-Battery!"
    )
    tampered = local_path(callback).replace("state=", "state=x")

    response = client.get(tampered)

    assert response.status_code == 400
    assert b"Sign-in did not complete" in response.content
    assert client.get("/patient/").status_code == 302  # still signed out
    assert ("auth.sign_in", "denied") in _events("action", "auth.sign_in")


@pytest.mark.parametrize("secret", ["code_verifier", "nonce"])
def test_it_refuses_the_sign_in_when_the_pkce_verifier_or_nonce_does_not_match(client, cast, secret):
    authorize = authorize_redirect(client)
    session = client.session
    state = next(iter(session["oidc_states"]))
    session["oidc_states"][state][secret] = "x" * 64
    session.save()

    response = client.get(
        local_path(hosted_sign_in(HostedUi(), authorize, cast.patient.email, "Correct-Horse-9-Battery!"))
    )

    assert response.status_code == 400
    assert client.get("/patient/").status_code == 302


def test_the_same_sub_with_a_changed_email_is_the_same_user(client, cast, settings):
    sign_in(client, cast.patient.email)
    first = User.objects.get(username=cast.patient.sub)
    client.logout()
    _cognito().admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.patient.email,
        UserAttributes=[
            {"Name": "email", "Value": "renamed@medisecure.test"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )

    # The pool signs in by email: the new address now, with the same sub.
    sign_in(client, "renamed@medisecure.test")

    again = User.objects.get(username=cast.patient.sub)
    assert again.pk == first.pk and again.email == "renamed@medisecure.test"
    assert User.objects.count() == 1


def test_it_refuses_a_user_whose_email_is_not_verified(client, cast, settings):
    _cognito().admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.patient.email,
        UserAttributes=[{"Name": "email_verified", "Value": "false"}],
    )

    response = sign_in(client, cast.patient.email)

    assert response.status_code == 400
    assert not User.objects.filter(username=cast.patient.sub, last_login__isnull=False).exists()


def test_a_user_removed_from_a_group_loses_that_role_at_the_next_sign_in(client, cast, settings):
    sign_in(client, cast.admin.email)
    assert client.get("/admin/").status_code == 200
    client.post("/sign-out/")
    _cognito().admin_remove_user_from_group(
        UserPoolId=settings.COGNITO_USER_POOL_ID, Username=cast.admin.email, GroupName="admin"
    )

    sign_in(client, cast.admin.email)

    user = User.objects.get(username=cast.admin.sub)
    assert (user.role, user.is_staff, user.is_superuser) == ("", False, False)
    assert client.get("/admin/").status_code == 403
    not_enabled = client.get("/home/")
    assert not_enabled.status_code == 403 and b"not yet enabled" in not_enabled.content


def test_signing_out_ends_the_portal_and_the_cognito_session(client, cast, settings):
    hosted = HostedUi()
    sign_in(client, cast.patient.email, hosted=hosted)

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert response["Location"].startswith(f"{settings.COGNITO_HOSTED_UI_URL}/logout?")
    assert client.get("/patient/").status_code == 302
    landed = hosted.session.get(response["Location"], allow_redirects=False)
    assert landed.headers["Location"] == "http://testserver/signed-out/"
    # The hosted UI asks for the password again instead of resuming.
    page = hosted.session.get(authorize_redirect(client), allow_redirects=False)
    assert page.status_code == 200 and "password" in first_form(page.text).fields | {"password": ""}
    assert ("auth.sign_out", "allowed") in _events("userId", cast.patient.sub)


def test_signing_out_is_a_post(client, cast):
    sign_in(client, cast.patient.email)

    assert client.get("/sign-out/").status_code == 405
    assert client.get("/patient/").status_code == 200


def test_an_idle_session_expires_and_is_audited(client, cast, settings):
    sign_in(client, cast.patient.email)
    session = client.session
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT_SECONDS - 1
    session.save()

    response = client.get("/patient/")

    assert response.status_code == 302 and "signed-out%2Fexpired%2F" in response["Location"]
    assert client.get("/patient/").status_code == 302
    assert ("auth.session_expired", "allowed") in _events("userId", cast.patient.sub)


def test_a_session_ends_at_its_absolute_lifetime_even_when_active(client, cast, settings):
    sign_in(client, cast.patient.email)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session.save()

    assert client.get("/patient/").status_code == 302
    assert client.get("/patient/").status_code == 302


def test_staff_must_enrol_in_totp_then_sign_in_with_it(client, cast, settings):
    settings.STAFF_MFA_REQUIRED = True
    sign_in(client, cast.doctor.email)

    held = client.get("/doctor/")
    assert held.status_code == 302 and held["Location"] == "/account/mfa/"
    assert client.get("/account/mfa/").context["pending"] is None  # GET changes nothing
    setup = client.post("/account/mfa/", {"start": "1"}, follow=True)
    secret = setup.context["pending"]["secret"]
    wrong = client.post("/account/mfa/", {"code": "000000"})
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()

    enrolled = client.post("/account/mfa/", {"code": totp_code(secret)})

    assert enrolled.status_code == 302 and "mfa-ready" in enrolled["Location"]
    assert client.get("/doctor/").status_code == 302  # signed out
    with pytest.raises(AssertionError):  # the password alone no longer signs in
        sign_in(client, cast.doctor.email)
    assert sign_in(client, cast.doctor.email, totp_secret=secret)["Location"] == "/home/"
    assert client.get("/doctor/").status_code == 200
    assert ("auth.mfa_enrolment", "allowed") in _events("userId", cast.doctor.sub)


def test_patients_are_not_held_for_mfa_enrolment(client, cast, settings):
    settings.STAFF_MFA_REQUIRED = True
    sign_in(client, cast.patient.email)

    assert client.get("/patient/").status_code == 200
