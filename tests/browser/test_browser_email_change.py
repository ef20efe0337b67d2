"""A patient moves their account to a new address from their account page:
the code comes to the new address (the local outbox), and from then on the
new address signs in and the old one does not."""

import re

from tests.support import TEST_PASSWORD

NEW = "jordan.moved@example.com"


def _start_sign_in(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()


def _sign_in_at_hosted_ui(page, email, password=TEST_PASSWORD):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_patient_changes_their_email_and_signs_in_with_the_new_one_only(
    page, live_server, local_stack, cast, assert_accessible
):
    _start_sign_in(page, live_server)
    _sign_in_at_hosted_ui(page, cast.patient.email)
    page.wait_for_url(live_server.url + "/patient/")
    page.goto(live_server.url + "/account/")
    page.get_by_role("link", name="Change your email address").click()
    page.wait_for_url(live_server.url + "/account/email/")
    assert_accessible(page)

    page.get_by_label("New email address").fill(NEW)
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url(live_server.url + "/account/email/code/")
    assert_accessible(page)
    outbox = page.context.new_page()
    outbox.goto(local_stack.url + "/_outbox/")
    outbox.get_by_role("link", name="Your verification code").first.click()
    code = re.search(r"code is (\d{6})", outbox.locator("#text-body").inner_text()).group(1)
    outbox.close()
    page.get_by_label("6-digit code from the email").fill(code)
    page.get_by_role("button", name="Change my email address").click()
    page.wait_for_url(live_server.url + "/account/email/changed/")
    assert f"Sign in with {NEW} from now on" in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/signed-out/")
    _start_sign_in(page, live_server)
    _sign_in_at_hosted_ui(page, cast.patient.email)
    assert "Incorrect username or password." in page.content()
    _sign_in_at_hosted_ui(page, NEW)
    page.wait_for_url(live_server.url + "/patient/")
    page.goto(live_server.url + "/account/")
    assert f"You sign in as {NEW}." in page.content()
