"""Taking access away works at once: a disabled person's live session ends at
their next request and their next sign-in is refused (a sign-in never turns
an account back on)."""

from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from django.test import Client

from audit import repository as audit_log
from medisecure import aws
from medisecure.identity import cognito
from medisecure.identity.session_keys import REFRESH_TOKEN
from medisecure.models import PortalSession, User
from tests import faults
from tests.support import FakeClock, HostedUi, authorize_redirect, sign_in

pytestmark = pytest.mark.django_db


def _denied_reasons():
    events, _ = audit_log.list_by("action", "auth.sign_in")
    return [event.detail.get("reason") for event in events if event.outcome == "denied"]


def test_a_locally_disabled_user_is_refused_at_sign_in_and_stays_disabled(client, cast):
    sign_in(client, cast.doctor.email)
    client.post("/sign-out/")
    User.objects.filter(username=cast.doctor.sub).update(is_active=False)

    response = sign_in(client, cast.doctor.email)

    assert response.status_code == 403
    assert b"turned off" in response.content
    assert User.objects.get(username=cast.doctor.sub).is_active is False
    assert client.get("/doctor/").status_code == 302  # not signed in
    assert "account_disabled" in _denied_reasons()


def test_a_signed_in_user_who_is_disabled_is_refused_at_their_next_request(client, cast):
    sign_in(client, cast.doctor.email)
    assert client.get("/doctor/").status_code == 200

    User.objects.filter(username=cast.doctor.sub).update(is_active=False)

    refused = client.get("/doctor/")
    assert refused.status_code == 302 and refused["Location"].startswith("/oidc/authenticate/")


def test_a_disabled_admin_loses_the_django_admin_at_once(client, cast):
    sign_in(client, cast.admin.email)
    assert client.get("/admin/").status_code == 200

    User.objects.filter(username=cast.admin.sub).update(is_active=False)

    assert client.get("/admin/").status_code == 302


def test_each_session_row_names_its_user(client, cast):
    sign_in(client, cast.patient.email)

    user = User.objects.get(username=cast.patient.sub)
    assert PortalSession.objects.filter(user_pk=user.pk).count() == 1
    assert user.pool_username == cast.patient.sub  # the pool's username for them


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock(datetime.now(UTC).replace(microsecond=0))
    monkeypatch.setattr("medisecure.clock.now", fake.now)
    return fake


def _cognito(settings, operation, **kwargs):
    return getattr(aws.client("cognito-idp"), operation)(UserPoolId=settings.COGNITO_USER_POOL_ID, **kwargs)


def test_a_role_taken_away_in_cognito_bites_within_the_recheck_window(client, cast, settings, clock):
    sign_in(client, cast.doctor.email)
    _cognito(settings, "admin_remove_user_from_group", Username=cast.doctor.email, GroupName="doctor")
    _cognito(settings, "admin_add_user_to_group", Username=cast.doctor.email, GroupName="patient")

    clock.advance(minutes=settings.IDENTITY_RECHECK_MINUTES - 1)
    assert client.get("/doctor/").status_code == 200  # not yet re-checked

    clock.advance(minutes=1)
    ended = client.get("/doctor/")

    assert ended.status_code == 302 and "signed-out%2Fexpired%2F" in ended["Location"]
    assert client.get("/doctor/").status_code == 302
    user = User.objects.get(username=cast.doctor.sub)
    assert user.role == "patient"
    events, _ = audit_log.list_by("action", "auth.recheck")
    assert [e.detail for e in events] == [{"found": "role_changed", "from": "doctor", "to": "patient"}]


def test_a_user_disabled_in_cognito_is_signed_out_at_the_next_recheck(client, cast, settings, clock):
    sign_in(client, cast.patient.email)
    _cognito(settings, "admin_disable_user", Username=cast.patient.email)

    clock.advance(minutes=settings.IDENTITY_RECHECK_MINUTES)

    assert client.get("/patient/").status_code == 302
    assert client.get("/patient/").status_code == 302


def test_a_user_who_no_longer_exists_is_signed_out(client, cast, settings, clock):
    sign_in(client, cast.patient.email)
    _cognito(settings, "admin_delete_user", Username=cast.patient.email)

    clock.advance(minutes=settings.IDENTITY_RECHECK_MINUTES)

    assert client.get("/patient/").status_code == 302
    events, _ = audit_log.list_by("action", "auth.recheck")
    assert [e.detail["found"] for e in events] == ["gone"]


def test_a_recheck_while_cognito_is_down_keeps_the_session_and_logs_no_personal_data(
    client, cast, settings, clock, caplog
):
    sign_in(client, cast.patient.email)
    clock.advance(minutes=settings.IDENTITY_RECHECK_MINUTES)

    with faults.at_send("cognito-idp", _refuse):
        assert client.get("/patient/").status_code == 200
        assert client.get("/patient/").status_code == 200  # no second try within the minute

    assert "re-check skipped" in caplog.text
    assert cast.patient.email not in caplog.text and cast.patient.sub not in caplog.text
    # Cognito back, a minute later: checked, and nothing changed.
    clock.advance(minutes=1)
    assert client.get("/patient/").status_code == 200


def _refuse(request, operation):
    raise EndpointConnectionError(endpoint_url=request.url)


def _refreshes(settings, sub, refresh_token) -> bool:
    """Whether Cognito still makes new tokens from this refresh token (its
    SECRET_HASH is over the user's username, their sub)."""
    try:
        aws.client("cognito-idp").initiate_auth(
            ClientId=settings.OIDC_RP_CLIENT_ID,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token, "SECRET_HASH": cognito.secret_hash(sub)},
        )
    except ClientError as error:
        assert error.response["Error"]["Code"] == "NotAuthorizedException"
        return False
    return True


def test_signing_out_revokes_the_refresh_token(client, cast, settings):
    sign_in(client, cast.patient.email)
    refresh_token = client.session[REFRESH_TOKEN]
    assert _refreshes(settings, cast.patient.sub, refresh_token)

    client.post("/sign-out/")

    assert not _refreshes(settings, cast.patient.sub, refresh_token)
    events, _ = audit_log.list_by("action", "auth.sign_out")
    assert [e.detail for e in events] == [{"refresh_token": "revoked"}]


def test_sign_out_everywhere_ends_every_portal_and_cognito_session(cast, settings):
    first, first_hosted = Client(), HostedUi()
    sign_in(first, cast.doctor.email, hosted=first_hosted)
    first_refresh = first.session[REFRESH_TOKEN]
    second = Client()
    sign_in(second, cast.doctor.email)
    user = User.objects.get(username=cast.doctor.sub)
    assert PortalSession.objects.filter(user_pk=user.pk).count() == 2
    page = second.get("/account/")
    assert page.status_code == 200 and b"Sign out everywhere" in page.content

    done = second.post("/account/sign-out-everywhere/")

    assert done.status_code == 302 and done["Location"].startswith(
        f"{settings.COGNITO_HOSTED_UI_URL}/logout?"
    )
    assert PortalSession.objects.filter(user_pk=user.pk).count() == 0
    assert second.get("/doctor/").status_code == 302 and first.get("/doctor/").status_code == 302
    assert not _refreshes(settings, cast.doctor.sub, first_refresh)
    # The first browser's hosted UI session no longer resumes: the password is asked again.
    resumed = first_hosted.session.get(authorize_redirect(first), allow_redirects=False)
    assert resumed.status_code == 200 and "password" in resumed.text
    events, _ = audit_log.list_by("action", "auth.sign_out_everywhere")
    assert [e.detail for e in events] == [{"portal_sessions": 2, "cognito": "signed_out"}]
