"""A clinician applies, an admin approves in the Django admin, and the new
doctor signs in with the emailed temporary password: all in a real browser."""

import re
from datetime import timedelta
from urllib.parse import unquote

from django.utils import timezone

from clinicians.tests.support import PNG
from tests.support import TEST_PASSWORD

NEW_PASSWORD = "Chosen-by-the-doctor-7!"


def _apply(page, live_server, local_stack, assert_accessible):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Apply as a clinician").click()
    page.wait_for_url(live_server.url + "/clinicians/apply/")
    assert_accessible(page)
    page.get_by_label("Given name or names").fill("Avery")
    page.get_by_label("Family name").fill("Applicant")
    page.get_by_label("Email address").fill("avery.applicant@example.com")
    page.get_by_label("Phone number").fill("+1 212 555 0123")
    page.get_by_label("Specialty").select_option("Cardiology")
    page.get_by_label("Licence number").fill("MD-204518")
    page.get_by_label("State or region that issued the licence").fill("New York")
    page.get_by_label("Licence expiry date").fill((timezone.localdate() + timedelta(days=400)).isoformat())
    page.get_by_label("Years in practice").fill("8")
    page.get_by_label("NPI or national provider number").fill("1234567893")
    page.get_by_label("A short statement").fill("Eight years in cardiology; I would like to join the clinic.")
    page.get_by_label("Scan or photo of your licence").set_input_files(
        files=[{"name": "licence.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url(live_server.url + "/clinicians/apply/submitted/")
    assert_accessible(page)
    # The page does not show the reference (anyone at this screen could read
    # it): the applicant finds it in the confirmation email.
    return _reference_from_the_outbox(page.context, local_stack)


def _reference_from_the_outbox(context, local_stack) -> str:
    outbox = context.new_page()
    outbox.goto(local_stack.url + "/_outbox/")
    subject = outbox.get_by_role("link", name=re.compile("We received your application")).first.inner_text()
    outbox.close()
    return re.search(r"We received your application (\S+)", subject).group(1)


def _sign_in(page, email, password):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _approve_in_the_admin(page, live_server, cast, reference):
    page.goto(live_server.url + "/admin/")
    _sign_in(page, cast.admin.email, TEST_PASSWORD)
    page.wait_for_url(live_server.url + "/admin/")
    page.get_by_role("link", name="Clinician applications").first.click()
    page.get_by_role("link", name="Pending").click()
    page.get_by_role("link", name=reference).click()
    assert "Avery" in page.content() and "MD-204518" in page.content()

    # The scan is downloaded, never shown in the admin's browser: the link
    # answers with a short-lived signed address that says "attachment".
    href = page.get_by_role("link", name="Open the licence scan").get_attribute("href")
    answer = page.request.get(live_server.url + href, max_redirects=0)
    location = answer.headers["location"]
    assert answer.status == 302 and "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
    assert "attachment" in unquote(location)

    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert f"{reference} approved" in page.content()


def _temporary_password(page, local_stack):
    page.goto(local_stack.url + "/_outbox/")
    page.get_by_role("link", name=re.compile("is approved")).first.click()
    return page.frame_locator("iframe").locator("#temporary-password").inner_text().strip()


def test_an_applicant_is_approved_in_the_admin_and_signs_in_as_a_doctor(
    page, chromium, live_server, local_stack, cast, assert_accessible
):
    reference = _apply(page, live_server, local_stack, assert_accessible)

    admin = chromium.new_context().new_page()
    _approve_in_the_admin(admin, live_server, cast, reference)
    admin.context.close()

    doctor = chromium.new_context().new_page()
    password = _temporary_password(doctor, local_stack)
    doctor.goto(live_server.url + "/")
    doctor.get_by_role("link", name="Sign in").first.click()
    _sign_in(doctor, "avery.applicant@example.com", password)
    doctor.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    doctor.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    doctor.get_by_role("button", name="Change password").click()

    doctor.wait_for_url(live_server.url + "/doctor/")
    assert "My schedule" in doctor.content()
    assert_accessible(doctor)
    doctor.context.close()
