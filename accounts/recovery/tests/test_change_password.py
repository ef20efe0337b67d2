"""A signed-in person changes their password with their own token."""

import pytest
from django.test import Client

from audit import repository as audit_log
from medisecure.models import User
from tests.support import TEST_PASSWORD, mail_to, sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Horse-7-Staple!"


def _change(client, current=TEST_PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        "/account/password/",
        {"current_password": current, "password": new, "password_again": new if again is None else again},
    )


def _outcomes(action):
    events, _ = audit_log.list_by("action", action)
    return [event.outcome for event in events]


def test_the_change_keeps_this_session_ends_the_others_and_emails_a_notice_without_a_link(
    client, cast, local_stack
):
    other = Client()
    sign_in(client, cast.patient.email)
    # A second session of the same person (a second sign-in would end the
    # first: each one gives the portal user a new unusable password).
    other.force_login(User.objects.get(username=cast.patient.sub))
    assert other.get("/account/").status_code == 200
    response = _change(client)
    assert response.status_code == 302 and response["Location"] == "/account/password/changed/"
    assert client.get("/patient/").status_code == 200
    assert other.get("/account/").status_code == 302
    notice = mail_to(local_stack, cast.patient.email)[-1]
    assert "password was changed" in notice["subject"]
    assert "http" not in notice["body"] and "<a" not in notice["body"]
    assert _outcomes("account.password_changed") == ["allowed"]
    assert sign_in(Client(), cast.patient.email, NEW_PASSWORD).status_code == 302
    with pytest.raises(AssertionError, match="did not sign in"):
        sign_in(Client(), cast.patient.email, TEST_PASSWORD)


def test_a_wrong_current_password_changes_nothing(client, cast):
    sign_in(client, cast.patient.email)
    page = _change(client, current="Not-The-Password-1!").content.decode()
    assert "Your current password is not right." in page
    assert _outcomes("account.password_changed") == ["denied"]
    assert sign_in(Client(), cast.patient.email, TEST_PASSWORD).status_code == 302


def test_the_new_password_follows_the_pool_policy_and_is_typed_twice(client, cast):
    sign_in(client, cast.patient.email)
    assert "Use a symbol such as ! or -." in _change(client, new="NoSymbolsHere12").content.decode()
    assert (
        "The two passwords are not the same." in _change(client, again="Different-Horse-7!").content.decode()
    )
    assert _outcomes("account.password_changed") == []


def test_signed_out_visitors_are_sent_to_sign_in(client, cast):
    assert client.get("/account/password/").status_code == 302
