"""A signed-in person moves their account to a new address through the
pool's UpdateUserAttributes / VerifyUserAttribute (the local stack emails
the code to the new address's outbox, as Cognito does, and keeps the old
address in force until the code is entered)."""

import json
import re
import urllib.request
from dataclasses import asdict

import pytest
from django.test import Client

from audit import repository as audit_log
from clinicians import selectors as clinicians
from medisecure import aws
from medisecure.identity import cognito
from medisecure.identity.session_keys import ACCESS_TOKEN
from medisecure.models import User
from patients import selectors as patients
from tests.support import TEST_PASSWORD, HostedUi, authorize_redirect, mail_to, sign_in

pytestmark = pytest.mark.django_db

NEW = "new.address@example.com"
REQUESTED = "account.email_change_requested"
VERIFIED = "account.email_change_verified"


def _ask(client, email=NEW):
    return client.post("/account/email/", {"email": email}, follow=True)


def _enter(client, code):
    return client.post("/account/email/code/", {"code": code})


def _codes(local_stack, email=NEW) -> list[str]:
    found = [re.search(r"code is (\d{6})", message["body"]) for message in mail_to(local_stack, email)]
    return [match.group(1) for match in found if match]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _events(action):
    events, _ = audit_log.list_by("action", action)
    return events


def _hosted_sign_in_page(email: str):
    """The hosted UI's answer to `email` and the right password."""
    hosted = HostedUi()
    page = hosted.session.get(authorize_redirect(Client()), allow_redirects=False)
    return hosted.submit(page, {"email": email, "password": TEST_PASSWORD})


def _addresses_in_force(cast) -> tuple[str, str, str]:
    """The pool's email attribute, the portal account's and the patient record's."""
    pool_user = cognito.get_pool_user(cast.patient.sub)  # the pool's username is the sub
    portal = User.objects.get(username=cast.patient.sub).email
    record = patients.patient_get(patient_id=cast.patient.sub).email
    return pool_user.email, portal, record


def test_the_old_address_stays_in_force_until_the_code_is_entered(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    page = _ask(client)
    assert page.redirect_chain == [("/account/email/code/", 302)]
    assert NEW in page.content.decode() and cast.patient.email in page.content.decode()
    assert len(_codes(local_stack)) == 1
    assert _addresses_in_force(cast) == (cast.patient.email,) * 3
    pool_user = cognito.get_pool_user(cast.patient.sub)
    assert pool_user.attributes["email_verified"] == "true"
    # The old address still signs in (the portal copies the pool's userInfo); the new one not yet.
    sign_in(Client(), cast.patient.email)
    assert "Incorrect username or password." in _hosted_sign_in_page(NEW).text
    assert User.objects.get(username=cast.patient.sub).email == cast.patient.email
    assert [event.outcome for event in _events(REQUESTED)] == ["allowed"]
    assert _events(VERIFIED) == []


def test_the_old_address_is_told_of_the_request_without_a_link(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    notice = mail_to(local_stack, cast.patient.email)[-1]
    assert "change of your email address" in notice["subject"]
    assert "http" not in notice["body"] and "<a" not in notice["body"]
    assert NEW not in notice["body"]


def test_a_wrong_code_changes_nothing(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    refused = _enter(client, _wrong(_codes(local_stack)[-1]))
    assert refused.status_code == 200 and "not right" in refused.content.decode()
    assert _addresses_in_force(cast) == (cast.patient.email,) * 3
    assert [(event.outcome, event.detail) for event in _events(VERIFIED)] == [("denied", {"reason": "code"})]


def test_the_right_code_moves_the_pool_the_account_and_the_record_and_is_audited(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    person = User.objects.get(username=cast.patient.sub)
    _ask(client)
    response = _enter(client, _codes(local_stack)[-1])
    assert response.status_code == 302 and response["Location"] == "/account/email/changed/"
    assert _addresses_in_force(cast) == (NEW,) * 3
    assert cognito.get_pool_user(cast.patient.sub).attributes["email_verified"] == "true"
    assert NEW in client.get("/account/email/changed/").content.decode()
    # The same person, keyed on sub: signing in again, with the new address, finds this account.
    sign_in(Client(), NEW)
    again = User.objects.get(username=cast.patient.sub)
    assert (again.pk, again.email) == (person.pk, NEW)
    assert User.objects.filter(email__iexact=NEW).count() == 1
    [event] = _events(VERIFIED)
    assert (event.outcome, event.user_id, event.resource_id, event.patient_id) == (
        "allowed",
        cast.patient.sub,
        cast.patient.sub,
        cast.patient.sub,
    )
    assert event.detail == {"record": "patient"}


def test_after_the_change_the_new_address_signs_in_and_the_old_one_is_refused(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    _enter(client, _codes(local_stack)[-1])
    page = client.get("/account/email/changed/").content.decode()
    assert f"Sign in with {NEW} from now on" in page
    assert "You still sign in with" not in page

    refused = _hosted_sign_in_page(cast.patient.email)
    assert refused.status_code == 400 and "Incorrect username or password." in refused.text
    fresh = Client()
    landed = sign_in(fresh, NEW)
    assert landed.status_code == 302
    account = fresh.get("/account/").content.decode()
    assert f"You sign in as {NEW}." in account and cast.patient.email not in account
    assert fresh.get("/patient/").status_code == 200


def test_the_old_address_no_longer_reaches_the_account_to_reset_its_password(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    _enter(client, _codes(local_stack)[-1])
    before = len(mail_to(local_stack, cast.patient.email))
    page = Client().post("/account/forgot-password/", {"email": cast.patient.email})
    assert page.status_code in (200, 302)
    assert len(mail_to(local_stack, cast.patient.email)) == before


def test_the_care_team_sees_the_new_address(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    _enter(client, _codes(local_stack)[-1])
    doctor = Client()
    sign_in(doctor, cast.doctor.email)
    chart = doctor.get(f"/doctor/patients/{cast.patient.sub}/").content.decode()
    assert NEW in chart and cast.patient.email not in chart


def test_no_audit_event_holds_an_address_or_a_message(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    code = _codes(local_stack)[-1]
    _enter(client, _wrong(code))
    _enter(client, code)
    events = _events(REQUESTED) + _events(VERIFIED)
    assert len(events) == 3
    for event in events:
        stored = json.dumps(asdict(event)).lower()
        for forbidden in (NEW, cast.patient.email, code, "new.address", "@"):
            assert forbidden not in stored


def test_the_fifth_wrong_code_kills_the_code(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    code = _codes(local_stack)[-1]
    for _ in range(5):
        assert "not right" in _enter(client, _wrong(code)).content.decode()
    assert "not right" in _enter(client, code).content.decode()
    assert _addresses_in_force(cast) == (cast.patient.email,) * 3


def test_an_expired_code_is_refused(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    code = _codes(local_stack)[-1]
    request = urllib.request.Request(f"{local_stack.url}/_local/email-change-codes/expire", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    assert "not right" in _enter(client, code).content.decode()
    assert _addresses_in_force(cast) == (cast.patient.email,) * 3


def test_a_second_code_within_a_minute_is_not_sent_and_the_page_says_the_same(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 (the CSRF tokens differ)
    first = strip(_ask(client).content.decode())
    second = strip(_ask(client).content.decode())
    assert first == second
    assert len(_codes(local_stack)) == 1
    assert [event.detail for event in _events(REQUESTED)] == [
        {"delivery": "limited"},
        {"delivery": "code_sent"},
    ]
    # The one code sent still works.
    assert _enter(client, _codes(local_stack)[-1]).status_code == 302


@pytest.mark.parametrize("holder", ["doctor", "other_patient"])
def test_an_address_another_account_holds_is_a_field_error_and_changes_nothing(
    client, cast, local_stack, holder
):
    # The doctor has never signed in to the portal (only the pool knows the
    # address); the other patient has (the portal's accounts know it too).
    taken = getattr(cast, holder).email
    if holder == "other_patient":
        sign_in(Client(), taken)
    sign_in(client, cast.patient.email)
    notices_before = len(mail_to(local_stack, cast.patient.email))
    page = client.post("/account/email/", {"email": taken.upper()})
    assert page.status_code == 200
    assert "That address is already used by another account" in page.content.decode()
    assert 'id="id_email_error"' in page.content.decode()  # on the field
    # Nothing sent to it but the notice to its holder, nothing to the asker's address, nothing pending.
    [notice] = mail_to(local_stack, taken)
    assert "tried to use your email address" in notice["subject"] and "http" not in notice["body"]
    assert cast.patient.email not in notice["body"]
    assert len(mail_to(local_stack, cast.patient.email)) == notices_before
    assert client.get("/account/email/code/")["Location"] == "/account/email/"
    assert _addresses_in_force(cast) == (cast.patient.email,) * 3
    assert cognito.get_pool_user(taken).sub == getattr(cast, holder).sub
    [event] = _events(REQUESTED)
    assert (event.outcome, event.detail) == ("denied", {"reason": "address_taken"})
    # The asker still signs in as before; the holder keeps their address.
    sign_in(Client(), cast.patient.email)
    sign_in(Client(), taken)


def test_an_address_taken_after_the_code_was_sent_is_refused_at_the_code_and_changes_nothing(
    client, cast, local_stack, settings
):
    sign_in(client, cast.patient.email)
    _ask(client)
    code = _codes(local_stack)[-1]
    # Meanwhile an admin gives the address to another account.
    aws.client("cognito-idp").admin_update_user_attributes(
        UserPoolId=settings.COGNITO_USER_POOL_ID,
        Username=cast.other_patient.sub,
        UserAttributes=[{"Name": "email", "Value": NEW}, {"Name": "email_verified", "Value": "true"}],
    )
    page = _enter(client, code)
    assert page.status_code == 200
    assert "That address is now used by another account" in page.content.decode()
    assert _addresses_in_force(cast) == (cast.patient.email,) * 3
    assert cognito.get_pool_user(NEW).sub == cast.other_patient.sub
    assert [(event.outcome, event.detail) for event in _events(VERIFIED)] == [
        ("denied", {"reason": "address_taken"})
    ]
    # Nothing is waiting any more: the code page sends the person back to the first.
    assert client.get("/account/email/code/")["Location"] == "/account/email/"
    sign_in(Client(), cast.patient.email)


def test_a_doctor_changes_their_address_and_their_provider_record_follows(client, cast, local_stack):
    sign_in(client, cast.doctor.email)
    _ask(client)
    assert _enter(client, _codes(local_stack)[-1]).status_code == 302
    assert clinicians.provider_get(provider_id=cast.doctor.sub).email == NEW
    assert User.objects.get(username=cast.doctor.sub).email == NEW
    assert [event.detail for event in _events(VERIFIED)] == [{"record": "provider"}]


def test_forgot_password_with_the_new_address_resets_the_account_and_signs_in_with_it(
    client, cast, local_stack
):
    sign_in(client, cast.patient.email)
    _ask(client)
    _enter(client, _codes(local_stack)[-1])
    visitor = Client()
    visitor.post("/account/forgot-password/", {"email": NEW})
    [reset] = [m for m in mail_to(local_stack, NEW) if "password reset code" in m["body"]]
    code = re.search(r"reset code is (\d{6})", reset["body"]).group(1)
    password = "Another-Horse-7-Staple!"
    done = visitor.post(
        "/account/forgot-password/code/", {"code": code, "password": password, "password_again": password}
    )
    assert done.status_code == 302 and done["Location"] == "/account/forgot-password/done/"
    assert sign_in(Client(), NEW, password).status_code == 302
    assert User.objects.get(username=cast.patient.sub).email == NEW
    events, _ = audit_log.list_by("action", "account.password_reset_completed")
    assert [(event.outcome, event.resource_id) for event in events] == [("allowed", cast.patient.sub)]


def test_the_same_address_again_is_a_field_error_and_sends_nothing(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    before = len(mail_to(local_stack, cast.patient.email))
    page = client.post("/account/email/", {"email": cast.patient.email.upper()})
    assert page.status_code == 200 and "the address your account has now" in page.content.decode()
    assert len(mail_to(local_stack, cast.patient.email)) == before
    assert _events(REQUESTED) == []


def test_the_code_page_without_a_request_goes_back_to_the_first(client, cast):
    sign_in(client, cast.patient.email)
    response = client.get("/account/email/code/")
    assert response.status_code == 302 and response["Location"] == "/account/email/"


def test_signed_out_visitors_are_sent_to_sign_in(client, cast):
    assert client.get("/account/email/").status_code == 302
    assert client.post("/account/email/code/", {"code": "123456"}).status_code == 302


def test_a_sign_in_too_old_to_finish_changes_nothing_and_says_so(client, cast, local_stack):
    sign_in(client, cast.patient.email)
    _ask(client)
    session = client.session
    session[ACCESS_TOKEN] = "an-expired-token"
    session.save()
    page = _enter(client, _codes(local_stack)[-1]).content.decode()
    assert "Your sign-in is too old to finish this change" in page
    assert _addresses_in_force(cast) == (cast.patient.email,) * 3
