"""A new patient signs up in a real browser: the form, the code read from the
local stack's outbox as a person trying the product would, the account,
signing in, and editing their profile."""

import re

PASSWORD = "Blue-Harbour-48-Lamp!"
EMAIL = "avery.newcomer@example.org"


def _read_code_from_the_outbox(context, local_stack) -> str:
    outbox = context.new_page()
    outbox.goto(local_stack.url + "/_outbox/")
    outbox.get_by_role("link", name=re.compile("sign-up code")).first.click()
    code = outbox.frame_locator("iframe").locator(".code").inner_text().strip()
    outbox.close()
    return code


def test_a_person_signs_up_verifies_signs_in_and_edits_their_profile(
    page, live_server, local_stack, aws, assert_accessible
):
    page.goto(live_server.url + "/")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    page.wait_for_url(live_server.url + "/signup/")
    assert_accessible(page)

    page.get_by_label("First name").fill("Avery")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Mobile phone").fill("(212) 555-0123")
    page.get_by_role("button", name="Email me a code").click()

    page.wait_for_url(live_server.url + "/signup/verify/")
    assert EMAIL in page.content()
    assert_accessible(page)
    code = _read_code_from_the_outbox(page.context, local_stack)
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Confirm my email").click()

    # The address is proven; the password is chosen now, checked rule by rule.
    page.wait_for_url(live_server.url + "/signup/password/")
    page.get_by_label("Choose a password").fill("too-weak")
    page.get_by_label("Type the password again").fill("too-weak")
    page.get_by_role("button", name="Create my account").click()
    assert "Use at least 12 characters." in page.content() and "Use a number." in page.content()
    assert_accessible(page)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url(live_server.url + "/signup/complete/")
    assert "Your account is ready" in page.content()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(live_server.url + "/patient/")
    assert "Hello, Avery" in page.content()
    page.get_by_role("link", name="My profile").click()
    page.wait_for_url(live_server.url + "/patient/profile/")
    assert_accessible(page)
    assert page.get_by_label("Mobile phone").input_value() == "+12125550123"
    page.get_by_label("Preferred language").select_option("es")
    page.get_by_label("City or town").fill("Albany")
    page.get_by_label("Allergies").fill("Penicillin: rash")
    page.get_by_role("button", name="Save my profile").click()

    # Saved in Spanish, the profile answers in it.
    page.wait_for_url(live_server.url + "/patient/profile/")
    assert "Su perfil está guardado." in page.content()
    assert page.get_by_label("Idioma preferido").input_value() == "es"
    assert page.get_by_label("Ciudad o pueblo").input_value() == "Albany"
    assert page.get_by_label("Alergias").input_value() == "Penicillin: rash"
    assert_accessible(page)
