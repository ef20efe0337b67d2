"""A patient's own choice of two-step sign-in: turned on from the profile
with the enrolment staff use, asked for at every sign-in after (Cognito's
SOFTWARE_TOKEN_MFA challenge at the local hosted UI), turned off only with
a current code."""

import pyotp
import pytest

from audit import repository as audit_log
from tests.support import TEST_PASSWORD, HostedUi, authorize_redirect, sign_in, totp_code

pytestmark = pytest.mark.django_db


def _events(person):
    events, _ = audit_log.list_by("userId", person.sub)
    return [(event.action, event.outcome) for event in events]


def _wrong_code(secret: str) -> str:
    return "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"


def _enrol(client, person) -> str:
    """The patient turns two-step sign-in on; returns the authenticator's secret."""
    sign_in(client, person.email)
    profile = client.get("/patient/profile/").content.decode()
    assert 'href="/account/mfa/"' in profile
    page = client.get("/account/mfa/")
    assert page.context["enrolled"] is False and "Two-step sign-in is off" in page.content.decode()
    secret = client.post("/account/mfa/", {"start": "1"}, follow=True).context["pending"]["secret"]
    enrolled = client.post("/account/mfa/", {"code": totp_code(secret)})
    assert enrolled.status_code == 302 and "mfa-ready" in enrolled["Location"]
    return secret


def test_a_patient_who_turns_it_on_is_asked_for_the_code_at_sign_in(client, cast):
    secret = _enrol(client, cast.patient)

    assert client.get("/patient/").status_code == 302  # enrolling signed them out
    with pytest.raises(AssertionError):  # the password alone no longer signs in
        sign_in(client, cast.patient.email)
    assert sign_in(client, cast.patient.email, totp_secret=secret)["Location"] == "/home/"
    assert client.get("/patient/").status_code == 200
    assert client.get("/account/mfa/").context["enrolled"] is True
    assert ("auth.mfa_enrolment", "allowed") in _events(cast.patient)


def test_a_wrong_code_at_sign_in_is_refused(client, cast):
    secret = _enrol(client, cast.patient)
    hosted = HostedUi()

    page = hosted.session.get(authorize_redirect(client), allow_redirects=False)
    code_page = hosted.submit(page, {"email": cast.patient.email, "password": TEST_PASSWORD})
    assert code_page.status_code == 200 and 'name="code"' in code_page.text

    refused = hosted.submit(code_page, {"code": _wrong_code(secret)})

    assert refused.status_code == 400 and "not correct" in refused.text
    assert client.get("/patient/").status_code == 302


def test_a_patient_who_did_not_turn_it_on_is_not_asked(client, cast):
    callback = sign_in(client, cast.patient.email)

    assert callback.status_code == 302 and callback["Location"] == "/home/"
    assert client.get("/account/mfa/").context["enrolled"] is False


def test_turning_it_off_needs_a_current_code(client, cast):
    secret = _enrol(client, cast.patient)
    sign_in(client, cast.patient.email, totp_secret=secret)

    wrong = client.post("/account/mfa/", {"turn_off": "1", "code": _wrong_code(secret)})
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()
    assert wrong.context["enrolled"] is True
    off = client.post("/account/mfa/", {"turn_off": "1", "code": totp_code(secret)}, follow=True)

    assert "Two-step sign-in is off" in off.content.decode() and off.context["enrolled"] is False
    client.logout()
    assert sign_in(client, cast.patient.email)["Location"] == "/home/"  # the password alone again
    assert ("auth.mfa_turned_off", "denied") in _events(cast.patient)
    assert ("auth.mfa_turned_off", "allowed") in _events(cast.patient)


def test_staff_cannot_turn_their_required_code_off(client, cast):
    sign_in(client, cast.doctor.email)

    refused = client.post("/account/mfa/", {"turn_off": "1", "code": "123456"})

    assert refused.status_code == 403
