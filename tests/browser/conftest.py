"""Browser tests: Debian's Chromium driven by Playwright against the portal
served by pytest-django's live server and the session's local AWS stack."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from conftest import prepare_stack

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling out to
# services this machine cannot reach.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = ("serious", "critical")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def chromium():
    # The sync API runs an event loop in this thread; the portal's ORM calls
    # happen in the live server's threads, so Django's async guard does not
    # apply to them, only to fixtures here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def aws(local_stack, settings, live_server):
    """As the suite's `aws`, but with the app client's callback and logout
    URLs on the live server, where the browser is."""
    settings.SITE_URL = live_server.url
    return prepare_stack(local_stack, settings)


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    def check(page):
        results = axe.run(page)
        serious = [
            (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
            for violation in results.response["violations"]
            if violation["impact"] in SERIOUS
        ]
        assert serious == [], f"{page.url}: {serious}"

    return check
