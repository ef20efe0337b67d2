"""Forgot password through the portal's pages and the pool's
ForgotPassword / ConfirmForgotPassword (the local stack emails the code
into the outbox, as Cognito emails it)."""

import re
import urllib.request

import pytest
from django.test import Client

from audit import repository as audit_log
from tests.support import TEST_PASSWORD, mail_to, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Horse-7-Staple!"
UNKNOWN = "nobody.here@example.com"


def _code(local_stack, email) -> str:
    return re.search(r"code is (\d{6})", mail_to(local_stack, email)[-1]["body"]).group(1)


def _ask(client, email):
    return client.post("/account/forgot-password/", {"email": email}, follow=True)


def _reset(client, code, password=NEW_PASSWORD):
    return client.post(
        "/account/forgot-password/code/", {"code": code, "password": password, "password_again": password}
    )


def _actions(action):
    events, _ = audit_log.list_by("action", action)
    return [(event.outcome, event.resource_id) for event in events]


def test_an_existing_and_an_unknown_address_get_the_same_answer(client, cast, local_stack):
    known = _ask(client, cast.patient.email)
    unknown = _ask(Client(), UNKNOWN)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 (the CSRF tokens differ)
    assert strip(known.content.decode()) == strip(unknown.content.decode())
    # Asked again at once (throttled for the one, nothing to send for the other): the same again.
    assert strip(_ask(client, cast.patient.email).content.decode()) == strip(
        _ask(Client(), UNKNOWN).content.decode()
    )
    assert len(mail_to(local_stack, cast.patient.email)) == 1
    assert mail_to(local_stack, UNKNOWN) == []


def test_the_emailed_code_sets_the_new_password_and_ends_every_session(client, cast, local_stack):
    older = Client()
    sign_in(older, cast.patient.email)
    assert older.get("/patient/").status_code == 200
    _ask(client, cast.patient.email)
    response = _reset(client, _code(local_stack, cast.patient.email))
    assert response.status_code == 302 and response["Location"] == "/account/forgot-password/done/"
    assert older.get("/patient/").status_code == 302  # signed out
    assert sign_in(Client(), cast.patient.email, NEW_PASSWORD).status_code == 302
    with pytest.raises(AssertionError, match="did not sign in"):
        sign_in(Client(), cast.patient.email, TEST_PASSWORD)
    assert _actions("account.password_reset_requested") == [("allowed", cast.patient.sub)]
    assert ("allowed", cast.patient.sub) in _actions("account.password_reset_completed")


def test_the_fifth_wrong_code_kills_the_code(client, cast, local_stack):
    _ask(client, cast.patient.email)
    code = _code(local_stack, cast.patient.email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        refused = _reset(client, wrong)
        assert refused.status_code == 200 and "not right" in refused.content.decode()
    assert "not right" in _reset(client, code).content.decode()
    assert sign_in(Client(), cast.patient.email, TEST_PASSWORD).status_code == 302


def test_an_expired_code_is_refused(client, cast, local_stack):
    _ask(client, cast.patient.email)
    code = _code(local_stack, cast.patient.email)
    request = urllib.request.Request(f"{local_stack.url}/_local/forgot-password-codes/expire", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    assert "not right" in _reset(client, code).content.decode()
    assert sign_in(Client(), cast.patient.email, TEST_PASSWORD).status_code == 302


def test_the_new_password_is_checked_rule_by_rule_as_at_sign_up(client, cast, local_stack):
    _ask(client, cast.patient.email)
    page = _reset(client, _code(local_stack, cast.patient.email), password="short").content.decode()
    for rule in ("Use at least 12 characters.", "Use an upper-case letter.", "Use a number."):
        assert rule in page


def test_an_unknown_address_is_answered_as_a_wrong_code(client, cast):
    _ask(client, UNKNOWN)
    assert "not right" in _reset(client, "123456").content.decode()
