"""A person signing in and out in a real browser."""

from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest

from tests.support import TEST_PASSWORD, totp_code

HOME_HEADINGS = {
    "patient": ("/patient/", "Hello, Jordan"),
    "doctor": ("/doctor/", "My schedule"),
    "admin": ("/admin/", "Clinic administration"),
    "marketer": ("/marketing/", "Clinic directory"),
}


def _sign_in_at_hosted_ui(page, email, password=TEST_PASSWORD):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _start_sign_in(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()


def _portal_session_is_signed_in(page, live_server, path) -> bool:
    response = page.request.get(live_server.url + path, max_redirects=0)
    return response.status == 200


@pytest.mark.parametrize("role", sorted(HOME_HEADINGS))
def test_each_role_signs_in_lands_home_and_signs_out_for_good(
    page, live_server, cast, role, assert_accessible
):
    path, heading = HOME_HEADINGS[role]
    _start_sign_in(page, live_server)
    assert_accessible(page)  # the hosted UI's sign-in form
    _sign_in_at_hosted_ui(page, getattr(cast, role).email)

    page.wait_for_url(live_server.url + path)
    assert heading in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Log out" if role == "admin" else "Sign out").click()
    page.wait_for_url(live_server.url + "/signed-out/")
    assert "You are signed out" in page.content()
    assert_accessible(page)
    assert not _portal_session_is_signed_in(page, live_server, path)

    page.go_back()
    page.wait_for_load_state()
    assert heading not in page.content()
    page.goto(live_server.url + path)
    # Both sessions are over: the sign-in service asks for the password again.
    assert page.get_by_label("Password").count() == 1
    assert heading not in page.content()


@pytest.mark.parametrize("parameter", ["state", "nonce", "code_challenge"])
def test_it_refuses_a_sign_in_whose_state_nonce_or_pkce_was_tampered_with(page, live_server, cast, parameter):
    page.goto(live_server.url + "/oidc/authenticate/")
    authorize = urlparse(page.url)
    query = {key: values[0] for key, values in parse_qs(authorize.query).items()}
    query[parameter] = "tampered" + query[parameter][8:]
    page.goto(urlunparse(authorize._replace(query=urlencode(query))))

    _sign_in_at_hosted_ui(page, cast.patient.email)

    page.wait_for_load_state()
    assert "Sign-in did not complete" in page.content()
    assert not _portal_session_is_signed_in(page, live_server, "/patient/")


def test_a_doctor_sets_up_totp_on_first_sign_in_and_is_challenged_after(
    page, live_server, cast, settings, assert_accessible
):
    settings.STAFF_MFA_REQUIRED = True
    _start_sign_in(page, live_server)
    _sign_in_at_hosted_ui(page, cast.doctor.email)

    page.wait_for_url(live_server.url + "/account/mfa/")
    assert_accessible(page)
    page.get_by_role("button", name="Set up two-step sign-in").click()
    assert_accessible(page)
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label("6-digit code from your authenticator app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.wait_for_url(live_server.url + "/signed-out/mfa-ready/")

    page.get_by_role("link", name="Sign in").last.click()
    _sign_in_at_hosted_ui(page, cast.doctor.email)
    page.get_by_label("Code").first.fill(totp_code(secret))
    page.get_by_role("button", name="Verify").click()

    page.wait_for_url(live_server.url + "/doctor/")
    assert "My schedule" in page.content()
