"""Browser tests: Debian's Chromium driven by Playwright against the portal
served by pytest-django's live server and the session's local AWS stack."""

import logging
import os
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from conftest import prepare_stack
from medisecure import dynamo
from medisecure.tables import CLINICIAN_APPLICATIONS, PATIENT_PROVISIONAL, PATIENTS
from tests.log_scan import scan
from tests.phi_markers import cast_markers, record_markers

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


# --- No PHI, token or code in any log line -------------------------------------

# Tables whose records carry a person's name, email or date of birth.
PERSONAL_TABLES = (PATIENTS, PATIENT_PROVISIONAL, CLINICIAN_APPLICATIONS)


class LogCapture(logging.Handler):
    """Every log record of the portal (which runs in this process, in the
    live server's threads) and every line the local stack prints."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.portal: list[str] = []
        self.stack: list[str] = []
        self.markers: set[str] = cast_markers()
        self._lines = threading.Lock()

    def emit(self, record):
        try:
            line = self.format(record)  # the traceback too, if the record has one
        except Exception:  # a record that cannot be formatted is kept as its raw message
            line = str(record.msg)
        with self._lines:
            self.portal.append(line)

    def stack_line(self, line: str) -> None:
        with self._lines:
            self.stack.append(line)

    def findings(self):
        return scan(self.portal, self.markers, source="portal log") + scan(
            self.stack, self.markers, source="local stack log"
        )


@pytest.fixture(scope="session", autouse=True)
def log_capture(local_stack):
    """Collects every log line of the browser suite; at its end fails the
    session if any holds a person's details, a JWT or a 6-digit code."""
    capture = LogCapture()
    root = logging.getLogger()
    root.addHandler(capture)
    local_stack.watch_output(capture.stack_line)
    yield capture
    local_stack.unwatch_output(capture.stack_line)
    root.removeHandler(capture)
    findings = capture.findings()
    if findings:
        pytest.fail(
            f"{len(findings)} log line(s) of the browser suite hold what must never be logged:\n"
            + "\n".join(str(finding) for finding in findings[:50]),
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def people_left_behind(log_capture):
    """After each test, the personal details of the records it made (people
    who signed up, applied...) join what the scan looks for, so a new test's
    people are covered without a list to keep."""
    yield
    for table in PERSONAL_TABLES:
        try:
            items = dynamo.client().scan(TableName=dynamo.name(table), ConsistentRead=True).get("Items", [])
        except dynamo.client().exceptions.ResourceNotFoundException:
            continue  # the test never set up the stack
        for item in items:
            log_capture.markers |= record_markers(dynamo.from_item(item))
