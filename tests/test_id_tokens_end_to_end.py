"""ID tokens the portal must refuse, handed to it through the real callback:
the local sign-in service signs them with the pool's published key, so only
the project's own checks (medisecure.identity.oidc.verify_id_token and the
backend's account checks) stand between them and a session. Replacing
those with mozilla-django-oidc's default verification fails these."""

from __future__ import annotations

import time

import pytest
import requests
from django.test import Client

from accounts.people import services as people
from audit import repository as audit_log
from medisecure.identity.actors import Actor, AuditContext
from medisecure.models import User
from tests.support import TEST_PASSWORD, HostedUi, authorize_redirect, hosted_sign_in, local_path, sign_in

pytestmark = pytest.mark.django_db


def _next_id_token_carries(settings, **claims) -> None:
    answer = requests.post(
        f"{settings.LOCAL_STACK_URL}/_local/id-token-overrides",
        json={"client_id": settings.OIDC_RP_CLIENT_ID, "claims": claims},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def _refusals():
    events, _ = audit_log.list_by("action", "auth.sign_in")
    return [event.detail.get("reason") for event in events if event.outcome == "denied"]


def _wrong_claims(settings):
    now = int(time.time())
    return {
        "wrong-aud": ({"aud": "another-app-client"}, "wrong_audience"),
        "wrong-iss": ({"iss": f"{settings.LOCAL_STACK_URL}/us-east-1_SomeOtherPool"}, "wrong_issuer"),
        "expired": ({"iat": now - 7200, "auth_time": now - 7200, "exp": now - 3600}, "token_expired"),
        "access-token": ({"token_use": "access"}, "not_an_id_token"),
    }


@pytest.mark.parametrize("case", ["wrong-aud", "wrong-iss", "expired", "access-token"])
def test_the_callback_refuses_an_id_token_with_a_wrong_claim(client, cast, settings, case):
    claims, reason = _wrong_claims(settings)[case]
    _next_id_token_carries(settings, **claims)

    response = sign_in(client, cast.patient.email)

    assert response.status_code == 400
    assert b"Sign-in did not complete" in response.content
    assert client.get("/patient/").status_code == 302  # not signed in
    assert _refusals() == [reason]
    assert not User.objects.filter(username=cast.patient.sub).exists()


def test_the_same_sign_in_without_an_override_goes_through(client, cast, settings):
    _next_id_token_carries(settings, custom_marker="harmless")

    assert sign_in(client, cast.patient.email)["Location"] == "/home/"


def test_the_callback_refuses_the_token_of_a_user_disabled_after_it_was_issued(cast, settings):
    doctor = Client()
    sign_in(doctor, cast.doctor.email)
    doctor.post("/sign-out/")
    callback = hosted_sign_in(HostedUi(), authorize_redirect(doctor), cast.doctor.email, TEST_PASSWORD)
    # The code (and the tokens it stands for) exist; then an admin disables them.
    people.person_disable(
        actor=Actor(user_id=cast.admin.sub, role="admin"),
        audit=AuditContext(),
        person_id=cast.doctor.sub,
        reason="Left the clinic",
    )

    response = doctor.get(local_path(callback))

    assert response.status_code in (400, 403)
    assert doctor.get("/doctor/").status_code == 302
    assert User.objects.get(username=cast.doctor.sub).is_active is False


def test_the_callback_refuses_a_locally_disabled_users_valid_token(client, cast):
    sign_in(client, cast.doctor.email)
    client.post("/sign-out/")
    User.objects.filter(username=cast.doctor.sub).update(is_active=False)

    response = sign_in(client, cast.doctor.email)  # Cognito still signs them in

    assert response.status_code == 403
    assert _refusals() == ["account_disabled"]
