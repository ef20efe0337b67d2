"""Cognito unreachable: a sign-in that needs it ends on a plain page that
says so (no stack trace, nobody signed in), while people already signed in
keep working until their session ends: a page view needs no Cognito call."""

from __future__ import annotations

import contextlib
import socket

import pytest
from botocore.exceptions import EndpointConnectionError

from tests import faults
from tests.support import TEST_PASSWORD, HostedUi, authorize_redirect, hosted_sign_in, local_path, sign_in

pytestmark = pytest.mark.django_db


def _port_nobody_listens_on() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _refuse(request, operation):
    raise EndpointConnectionError(endpoint_url=request.url)


@contextlib.contextmanager
def cognito_down(settings):
    """The user pool's API and its hosted UI endpoints (token, userInfo,
    keys) cannot be reached: the API at botocore's send boundary, the OIDC
    endpoints by pointing them at a closed port, as DNS or network failure
    would leave them."""
    dead = f"http://127.0.0.1:{_port_nobody_listens_on()}"
    saved = {
        name: getattr(settings, name)
        for name in ("OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT")
    }
    for name in saved:
        setattr(settings, name, f"{dead}/unreachable")
    with faults.at_send("cognito-idp", _refuse):
        yield
    for name, value in saved.items():
        setattr(settings, name, value)


def test_a_sign_in_while_cognito_is_unreachable_ends_on_a_plain_page(client, cast, settings):
    callback = hosted_sign_in(
        HostedUi(), authorize_redirect(client, "/patient/"), cast.patient.email, TEST_PASSWORD
    )

    with cognito_down(settings):
        response = client.get(local_path(callback))

    assert response.status_code == 503
    body = response.content.decode()
    assert "The sign-in service is not answering" in body and "Start sign-in again" in body
    assert "Traceback" not in body and "ConnectionError" not in body and cast.patient.email not in body
    assert client.get("/patient/").status_code == 302  # not signed in


@pytest.mark.parametrize(
    "actor,pages",
    [
        ("patient", ["/patient/", "/patient/profile/"]),
        ("doctor", ["/doctor/"]),
        ("admin", ["/admin/", "/admin/clinicians/application/"]),
    ],
)
def test_people_already_signed_in_keep_working_while_cognito_is_unreachable(
    client, cast, settings, actor, pages
):
    sign_in(client, getattr(cast, actor).email)

    with cognito_down(settings):
        statuses = {page: client.get(page).status_code for page in pages}

    assert statuses == {page: 200 for page in pages}
