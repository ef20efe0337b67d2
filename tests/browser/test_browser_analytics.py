"""The marketer's dashboard in Chromium, over a projected month: axe finds
nothing serious or critical, every chart has its text alternative, and the
page fits a 390 px phone."""

from __future__ import annotations

from analytics.tests.support import a_month, project
from tests.support import TEST_PASSWORD

PHONE = {"width": 390, "height": 844}
MARCH = "/marketing/?start=2026-03-02&end=2026-03-29"


def test_the_dashboard_passes_axe_has_text_alternatives_and_fits_a_phone(
    chromium, live_server, cast, assert_accessible
):
    a_month()
    project()
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/oidc/authenticate/")
    page.get_by_label("Email address").fill(cast.marketer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(live_server.url + MARCH)

    assert_accessible(page)
    charts = page.locator("svg.analytics-svg")
    assert charts.count() == 8
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img"
        described = chart.get_attribute("aria-labelledby").split()
        assert all((page.locator(f"#{name}").text_content() or "").strip() for name in described)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("From (the week of)").fill("2026-03-29")
    page.get_by_label("To (the week of)").fill("2026-03-02")
    page.get_by_role("button", name="Show these weeks").click()
    page.wait_for_load_state()
    assert "on or after the first day" in page.content()
    assert_accessible(page)
    context.close()
