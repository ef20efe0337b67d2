"""An admin reviewing the audit trail in a real browser."""

import csv
from datetime import UTC, datetime

from medisecure import clinic_time
from tests.browser.test_browser_sign_in import _sign_in_at_hosted_ui, _start_sign_in


def test_an_admin_filters_opens_an_event_exports_and_verifies(page, live_server, cast, assert_accessible):
    _start_sign_in(page, live_server)
    _sign_in_at_hosted_ui(page, cast.patient.email)
    page.wait_for_url(live_server.url + "/patient/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/signed-out/")

    _start_sign_in(page, live_server)
    _sign_in_at_hosted_ui(page, cast.admin.email)
    page.wait_for_url(live_server.url + "/admin/")
    page.get_by_role("link", name="Audit trail", exact=True).click()
    page.get_by_label("Patient").fill(cast.patient.email)
    page.get_by_label("Action").fill("patient.home.read")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "patient.home.read" in rows.first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these events as CSV").click()
    exported = list(csv.DictReader(open(download.value.path(), encoding="utf-8")))
    assert [(row["action"], row["patient_id"]) for row in exported] == [
        ("patient.home.read", cast.patient.sub)
    ]

    rows.first.get_by_role("link").click()
    assert "This event matches its seal." in page.content()
    assert cast.patient.sub in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Audit trail").click()
    page.get_by_role("link", name="Verify integrity").click()
    today = clinic_time.in_clinic(datetime.now(UTC)).date().isoformat()
    page.get_by_label("From", exact=True).fill(today)
    page.get_by_label("To", exact=True).fill(today)
    page.get_by_role("button", name="Verify integrity").click()
    # The answer comes with the next page: wait for it rather than read the
    # page while it is being replaced (content() then reads nothing).
    page.wait_for_url("**/admin/audit/verify/?since=*")
    page.get_by_text("Every chain is intact").wait_for()
    assert "Every chain is intact" in page.content()
    assert_accessible(page)
