"""A patient who forgot their password gets back in from the sign-in page:
the code comes by email (the local outbox), the new password works, the old
one does not, and a session opened before the reset is signed out."""

import re

from tests.support import TEST_PASSWORD

NEW_PASSWORD = "Another-Horse-7-Staple!"


def _start_sign_in(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()


def _sign_in_at_hosted_ui(page, email, password):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_forgot_password_from_the_sign_in_page_to_signed_in_with_the_new_one(
    chromium, page, live_server, local_stack, cast, assert_accessible
):
    email = cast.patient.email
    older = chromium.new_context()
    try:
        older_page = older.new_page()
        _start_sign_in(older_page, live_server)
        _sign_in_at_hosted_ui(older_page, email, TEST_PASSWORD)
        older_page.wait_for_url(live_server.url + "/patient/")

        _start_sign_in(page, live_server)
        page.get_by_role("link", name="Forgot your password?").click()
        page.wait_for_url(live_server.url + "/account/forgot-password/")
        assert_accessible(page)
        page.get_by_label("Email address").fill(email)
        page.get_by_role("button", name="Email me a code").click()
        page.wait_for_url(live_server.url + "/account/forgot-password/code/")
        assert_accessible(page)

        outbox = page.context.new_page()
        outbox.goto(local_stack.url + "/_outbox/")
        outbox.get_by_role("link", name="Your password reset code").first.click()
        code = re.search(r"code is (\d{6})", outbox.locator("#text-body").inner_text()).group(1)
        outbox.close()

        page.get_by_label("6-digit code from the email").fill(code)
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Save my new password").click()
        page.wait_for_url(live_server.url + "/account/forgot-password/done/")
        assert_accessible(page)

        response = older_page.request.get(live_server.url + "/patient/", max_redirects=0)
        assert response.status == 302  # the older session is over

        page.get_by_role("link", name="Sign in").first.click()
        _sign_in_at_hosted_ui(page, email, TEST_PASSWORD)
        assert "Incorrect username or password." in page.content()
        _sign_in_at_hosted_ui(page, email, NEW_PASSWORD)
        page.wait_for_url(live_server.url + "/patient/")
    finally:
        older.close()
