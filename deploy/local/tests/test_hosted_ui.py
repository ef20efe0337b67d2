from __future__ import annotations

import base64
import html
import re
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from deploy.local import store as store_module
from deploy.local.server import _parse_arguments
from deploy.local.store import Store

from .conftest import (
    CALLBACK_URL,
    EMAIL,
    PASSWORD,
    SIGNED_OUT_URL,
    Browser,
    add_user,
    aws_client,
    create_pool,
)


def totp_code(secret: str) -> str:
    # moto's fixed secret is too short for pyotp, which enforces 112 bits.
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    totp = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)
    # moto accepts the current 30-second step only: never read a step's last moment.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.05)
    return totp.generate(time.time()).decode("ascii")


def test_it_issues_a_code_and_tokens_for_the_right_password(browser):
    form = browser.authorize()
    assert form.status_code == 200
    assert '<label for="email">' in form.text

    redirect = browser.submit(form, email=EMAIL, password=PASSWORD)
    response = browser.exchange(browser.code_from(redirect))

    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert {"id_token", "access_token", "refresh_token"} <= tokens.keys()
    assert response.headers["Cache-Control"] == "no-store"


def test_it_refuses_a_wrong_password_without_saying_whether_the_user_exists(browser):
    wrong_password = browser.sign_in(password="Not-the-password-1")
    unknown_user = browser.sign_in(email="nobody@example.org")

    for page in (wrong_password, unknown_user):
        assert page.status_code == 400
        assert "Incorrect username or password." in page.text
        assert "Location" not in page.headers


def test_it_refuses_a_wrong_code_verifier(browser):
    code = browser.code_from(browser.sign_in())

    response = browser.exchange(code, code_verifier="x" * 64)

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant"}


def test_it_refuses_a_missing_code_verifier(browser):
    code = browser.code_from(browser.sign_in())

    response = browser.exchange(code, code_verifier=None)

    assert response.json() == {"error": "invalid_grant"}


def test_it_refuses_a_reused_code(browser):
    code = browser.code_from(browser.sign_in())
    assert browser.exchange(code).status_code == 200

    again = browser.exchange(code)

    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant"}


def test_it_refuses_a_wrong_redirect_uri_at_authorize(browser):
    page = browser.authorize(redirect_uri="http://127.0.0.1:8000/elsewhere/")

    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "redirect URI is not registered" in page.text


def test_it_refuses_a_wrong_redirect_uri_at_token(browser):
    code = browser.code_from(browser.sign_in())

    response = browser.exchange(code, redirect_uri="http://127.0.0.1:8000/elsewhere/")

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant"}


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "unknownclient"},
        {"response_type": "token"},
        {"code_challenge": None},
        {"code_challenge_method": "plain"},
        {"scope": "openid phone"},
    ],
    ids=["unknown client", "implicit flow", "no PKCE", "plain PKCE", "scope not allowed"],
)
def test_it_answers_a_bad_authorize_request_with_an_error_page_not_a_redirect(browser, overrides):
    page = browser.authorize(**overrides)

    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "Something went wrong" in page.text


def test_it_refuses_a_wrong_client_secret(browser):
    code = browser.code_from(browser.sign_in())

    response = requests.post(
        f"{browser.pool.url}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK_URL,
            "code_verifier": browser.verifier,
        },
        auth=(browser.pool.client_id, "not-the-secret"),
    )

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_it_accepts_the_client_secret_in_the_form(browser):
    code = browser.code_from(browser.sign_in())

    response = requests.post(
        f"{browser.pool.url}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK_URL,
            "code_verifier": browser.verifier,
            "client_id": browser.pool.client_id,
            "client_secret": browser.pool.client_secret,
        },
    )

    assert response.status_code == 200


def test_discovery_names_the_hosted_ui_endpoints(pool):
    issuer = f"{pool.url}/{pool.pool_id}"

    document = requests.get(f"{issuer}/.well-known/openid-configuration").json()

    assert document["issuer"] == issuer
    assert document["authorization_endpoint"] == f"{pool.url}/oauth2/authorize"
    assert document["token_endpoint"] == f"{pool.url}/oauth2/token"
    assert document["userinfo_endpoint"] == f"{pool.url}/oauth2/userInfo"
    assert document["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert document["code_challenge_methods_supported"] == ["S256"]


def test_discovery_is_not_found_for_an_unknown_pool(pool):
    response = requests.get(f"{pool.url}/us-east-1_nosuchpool/.well-known/openid-configuration")

    assert response.status_code == 404


def test_id_token_verifies_against_the_published_jwks_with_iss_aud_nonce_and_groups(browser):
    pool = browser.pool
    issuer = f"{pool.url}/{pool.pool_id}"
    discovery = requests.get(f"{issuer}/.well-known/openid-configuration").json()
    id_token = browser.tokens()["id_token"]

    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(id_token)
    claims = jwt.decode(
        id_token,
        signing_key.key,
        algorithms=["RS256"],
        issuer=issuer,
        audience=pool.client_id,
        options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
    )

    user = pool.cognito.admin_get_user(UserPoolId=pool.pool_id, Username=EMAIL)
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    assert claims["sub"] == sub
    assert claims["nonce"] == browser.nonce
    assert claims["token_use"] == "id"
    assert claims["cognito:groups"] == ["doctor"]
    assert claims["cognito:username"] == user["Username"]
    assert claims["email"] == EMAIL
    assert claims["email_verified"] is True
    assert (claims["given_name"], claims["family_name"]) == ("Dana", "Doctor")
    assert claims["exp"] - claims["iat"] == 3600


def test_the_pool_signs_in_by_email_and_names_each_user_by_their_sub(pool):
    described = pool.cognito.describe_user_pool(UserPoolId=pool.pool_id)["UserPool"]
    user = pool.cognito.admin_get_user(UserPoolId=pool.pool_id, Username=EMAIL)

    assert described["UsernameAttributes"] == ["email"]
    assert user["Username"] == next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    assert user["Username"] != EMAIL


def test_the_email_signs_in_whatever_its_case(browser):
    # The pool's usernames are not case sensitive (UsernameConfiguration).
    assert browser.code_from(browser.sign_in(email=EMAIL.upper()))


def _email_changed(pool, new_email: str) -> None:
    pool.cognito.admin_update_user_attributes(
        UserPoolId=pool.pool_id,
        Username=EMAIL,
        UserAttributes=[{"Name": "email", "Value": new_email}, {"Name": "email_verified", "Value": "true"}],
    )


def test_after_an_email_change_the_new_address_signs_in_and_the_old_one_is_refused(pool):
    _email_changed(pool, "dana.new@example.org")

    old = Browser(pool).sign_in()
    assert old.status_code == 400 and "Incorrect username or password." in old.text
    new = Browser(pool)
    tokens = new.exchange(new.code_from(new.sign_in(email="dana.new@example.org"))).json()
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["email"] == "dana.new@example.org"
    assert claims["cognito:groups"] == ["doctor"]


def test_a_hosted_session_outlives_an_email_change(browser):
    tokens = browser.tokens()
    _email_changed(browser.pool, "dana.new@example.org")

    # Single sign-on refreshes as the user (their sub), not as the email they typed.
    again = browser.exchange(browser.code_from(browser.authorize()))
    assert again.status_code == 200
    claims = jwt.decode(again.json()["id_token"], options={"verify_signature": False})
    assert claims["email"] == "dana.new@example.org"
    info = requests.get(
        f"{browser.pool.url}/oauth2/userInfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert info["email"] == "dana.new@example.org" and info["username"] == claims["sub"]


def test_id_token_leaves_out_groups_for_a_user_without_one(browser):
    add_user(browser.pool.cognito, browser.pool.pool_id, "pat@example.org", PASSWORD)
    code = browser.code_from(browser.sign_in(email="pat@example.org"))

    id_token = browser.exchange(code).json()["id_token"]

    assert "cognito:groups" not in jwt.decode(id_token, options={"verify_signature": False})


def test_userinfo_returns_email_verified_as_a_string(browser):
    access_token = browser.tokens()["access_token"]

    response = requests.get(
        f"{browser.pool.url}/oauth2/userInfo", headers={"Authorization": f"Bearer {access_token}"}
    )

    assert response.status_code == 200
    info = response.json()
    assert info["email"] == EMAIL
    assert info["email_verified"] == "true"
    assert info["given_name"] == "Dana"
    assert info["sub"]


def test_userinfo_refuses_a_bad_token(pool):
    response = requests.get(f"{pool.url}/oauth2/userInfo", headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token"}


def test_it_reuses_the_hosted_session_until_logout(browser):
    browser.tokens()

    again = browser.authorize()
    assert browser.exchange(browser.code_from(again)).status_code == 200
    cookie = browser.session.cookies.get("cognito-local-session")
    assert cookie

    logout = browser.session.get(
        f"{browser.pool.url}/logout",
        params={"client_id": browser.pool.client_id, "logout_uri": SIGNED_OUT_URL},
        allow_redirects=False,
    )
    assert logout.status_code == 302
    assert logout.headers["Location"] == SIGNED_OUT_URL
    assert "cognito-local-session" not in browser.session.cookies

    # Even a browser that kept the old cookie has to sign in again.
    browser.session.cookies.set("cognito-local-session", cookie)
    after = browser.authorize()
    assert after.status_code == 200
    assert '<label for="password">' in after.text


def test_it_honours_prompt_none_and_prompt_login(browser):
    silent = browser.authorize(prompt="none")
    assert silent.status_code == 302
    assert "error=login_required" in silent.headers["Location"]
    assert f"state={browser.state}" in silent.headers["Location"]

    browser.tokens()

    assert browser.code_from(browser.authorize(prompt="none"))
    forced = browser.authorize(prompt="login")
    assert forced.status_code == 200
    assert '<label for="password">' in forced.text


def test_it_sets_its_session_cookie_httponly_and_samesite_lax(browser):
    redirect = browser.sign_in()

    set_cookie = redirect.headers["Set-Cookie"]

    assert "cognito-local-session=" in set_cookie
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie


def test_it_refuses_a_logout_uri_that_is_not_registered(browser):
    browser.tokens()

    response = browser.session.get(
        f"{browser.pool.url}/logout",
        params={"client_id": browser.pool.client_id, "logout_uri": "https://evil.example/"},
        allow_redirects=False,
    )

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert browser.code_from(browser.authorize())  # still signed in


def test_it_refuses_a_sign_in_post_without_the_csrf_cookie(browser):
    form = browser.authorize()
    browser.session.cookies.clear()

    response = browser.submit(form, email=EMAIL, password=PASSWORD)

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_it_challenges_for_totp_when_the_user_has_mfa(browser):
    pool = browser.pool
    access_token = browser.tokens()["access_token"]
    cognito = pool.cognito
    secret = cognito.associate_software_token(AccessToken=access_token)["SecretCode"]
    cognito.verify_software_token(AccessToken=access_token, UserCode=totp_code(secret))
    cognito.set_user_mfa_preference(
        AccessToken=access_token,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )

    fresh = Browser(pool)
    challenge = fresh.sign_in()
    assert challenge.status_code == 200
    assert '<label for="code">' in challenge.text

    wrong = fresh.submit(challenge, code="000000" if totp_code(secret) != "000000" else "111111")
    assert wrong.status_code == 400
    assert "That code is not correct" in wrong.text

    signed_in = fresh.submit(wrong, code=totp_code(secret))
    assert fresh.exchange(fresh.code_from(signed_in)).status_code == 200

    # With a changed address, the code step answers as the user, under the new one.
    _email_changed(pool, "dana.new@example.org")
    moved = Browser(pool)
    challenge = moved.sign_in(email="dana.new@example.org")
    assert '<label for="code">' in challenge.text
    assert moved.exchange(moved.code_from(moved.submit(challenge, code=totp_code(secret)))).status_code == 200


def test_it_asks_for_a_new_password_when_cognito_requires_one(browser):
    pool = browser.pool
    add_user(pool.cognito, pool.pool_id, "new@example.org", "Temporary-pass-1", temporary=True)
    form = browser.sign_in(email="new@example.org", password="Temporary-pass-1")
    assert '<label for="new_password">' in form.text

    mismatch = browser.submit(form, new_password="Brand-new-pass-1", confirm_password="Other-pass-1")
    assert "do not match" in mismatch.text

    signed_in = browser.submit(mismatch, new_password="Brand-new-pass-1", confirm_password="Brand-new-pass-1")
    assert browser.exchange(browser.code_from(signed_in)).status_code == 200


def test_it_sets_up_totp_during_sign_in_when_the_pool_requires_mfa(browser):
    pool = browser.pool
    pool.cognito.set_user_pool_mfa_config(
        UserPoolId=pool.pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    add_user(pool.cognito, pool.pool_id, "staff@example.org", "Temporary-pass-1", temporary=True)
    new_password = browser.sign_in(email="staff@example.org", password="Temporary-pass-1")

    setup = browser.submit(new_password, new_password="Brand-new-pass-1", confirm_password="Brand-new-pass-1")
    secret = re.search(r'id="totp-secret">([^<]+)<', setup.text).group(1)
    assert f"secret={secret}" in html.unescape(setup.text)
    assert "otpauth://totp/" in setup.text

    signed_in = browser.submit(setup, code=totp_code(secret))
    assert browser.exchange(browser.code_from(signed_in)).status_code == 200


def test_it_shows_sent_mail_in_the_outbox(pool, local_stack):
    ses = aws_client("sesv2", local_stack)
    ses.create_email_identity(EmailIdentity="noreply@medisecure.example")
    sent = ses.send_email(
        FromEmailAddress="noreply@medisecure.example",
        Destination={"ToAddresses": ["pat@example.org"]},
        Content={
            "Simple": {
                "Subject": {"Data": "Your code <b>123456</b>"},
                "Body": {"Html": {"Data": '<p>Your code is <strong>123456</strong> & "valid"</p>'}},
            }
        },
    )

    listing = requests.get(f"{pool.url}/_outbox/")
    message = requests.get(f"{pool.url}/_outbox/{sent['MessageId']}")

    assert "pat@example.org" in listing.text
    assert "noreply@medisecure.example" in listing.text
    assert "Your code &lt;b&gt;123456&lt;/b&gt;" in listing.text
    assert "<b>123456</b>" not in listing.text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", listing.text)
    assert "<iframe sandbox" in message.text
    escaped = "&lt;p&gt;Your code is &lt;strong&gt;123456&lt;/strong&gt; &amp; &#34;valid&#34;&lt;/p&gt;"
    assert f'srcdoc="{escaped}"' in message.text


def test_the_outbox_shows_a_plain_text_message_in_a_pre(pool, local_stack):
    ses = aws_client("ses", local_stack)
    ses.verify_email_identity(EmailAddress="noreply@medisecure.example")
    sent = ses.send_email(
        Source="noreply@medisecure.example",
        Destination={"ToAddresses": ["pat@example.org"]},
        Message={
            "Subject": {"Data": "Hello"},
            "Body": {"Text": {"Data": "Code: 654321 <https://x>"}},
        },
    )

    message = requests.get(f"{pool.url}/_outbox/{sent['MessageId']}")

    assert '<pre id="text-body">Code: 654321 &lt;https://x&gt;</pre>' in message.text


def test_reset_forgets_issued_codes(browser, local_stack):
    code = browser.code_from(browser.sign_in())

    local_stack.reset()
    rebuilt = create_pool(local_stack, browser.pool.cognito)
    # Rebuilt the same way, the client keeps its id (HASH strategy), so only
    # the reset can be why the code is refused.
    assert rebuilt.client_id == browser.pool.client_id
    browser.pool = rebuilt

    assert browser.exchange(code).json() == {"error": "invalid_grant"}


def test_the_store_refuses_an_expired_code(monkeypatch):
    store = Store()
    code = store.issue_code(
        client_id="c",
        redirect_uri="r",
        code_challenge="x",
        id_token="i",
        access_token="a",
        refresh_token="t",
    )
    later = store_module.time.monotonic() + store_module.CODE_LIFETIME_SECONDS + 1
    monkeypatch.setattr(store_module.time, "monotonic", lambda: later)

    assert store.redeem_code(code) is None


def test_the_server_refuses_a_host_that_is_not_loopback():
    with pytest.raises(SystemExit):
        _parse_arguments(["--host", "0.0.0.0"])
    assert _parse_arguments(["--host", "localhost"]).host == "localhost"
