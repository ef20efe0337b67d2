"""Every page of the access matrix, as each kind of person who may open it,
on a 390 × 844 phone screen in Chromium, over the demo clinic (so tables and
lists have rows in them): nothing is wider than the screen, and axe finds no
serious or critical problem."""

from __future__ import annotations

from urllib.parse import urlparse

from portal.demo.run import demo_seed
from tests.access_matrix import ADMIN, ANONYMOUS, DOCTOR, MARKETER, PATIENT, ROUTES
from tests.browser.conftest import SERIOUS
from tests.support import TEST_PASSWORD

PHONE = {"width": 390, "height": 844}
PEOPLE = (ANONYMOUS, PATIENT, DOCTOR, ADMIN, MARKETER)


def _sign_in(page, live_server, email):
    page.goto(live_server.url + "/oidc/authenticate/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _serious(axe, page):
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in SERIOUS
    ]


def test_every_page_fits_a_phone_and_passes_axe(chromium, live_server, cast, axe):
    demo_seed(password=TEST_PASSWORD)
    problems, pages_checked = [], 0
    for person in PEOPLE:
        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if person != ANONYMOUS:
            _sign_in(page, live_server, getattr(cast, person).email)
        for route in ROUTES:
            if person not in route.allowed or route.ok_status != 200:
                continue
            url = live_server.url + route.url(cast)
            # Downloads (CSV, PDF, FHIR) and plain-text answers are not pages.
            probe = page.request.get(url, max_redirects=0)
            if not probe.headers.get("content-type", "").startswith("text/html"):
                continue
            page.goto(url)
            pages_checked += 1
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append((person, urlparse(url).path, f"{width} px wide"))
            serious = _serious(axe, page)
            if serious:
                problems.append((person, urlparse(url).path, serious))
        context.close()

    assert pages_checked > 30
    assert problems == [], "\n".join(map(str, problems))


def test_a_refused_form_puts_the_keyboard_on_its_error_summary(chromium, live_server, cast):
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _sign_in(page, live_server, cast.patient.email)
    page.goto(live_server.url + "/patient/profile/")
    page.get_by_label("Mobile phone").fill("not a phone")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()

    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    page.locator("[data-error-summary] a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    context.close()
