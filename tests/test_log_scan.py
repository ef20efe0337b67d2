"""The log scanner the browser suite runs at its end (tests/browser/conftest.py)
finds what it looks for, and only that."""

import threading
import time
import urllib.request

from tests.log_scan import scan
from tests.phi_markers import cast_markers, record_markers

MARKERS = cast_markers()


def _kinds(line: str, markers=MARKERS) -> list[str]:
    return [finding.kind for finding in scan([line], markers, source="test")]


def test_it_finds_a_seeded_patients_name_email_and_date_of_birth():
    assert _kinds("INFO patients.views saved profile for Jordan Example") == ["personal details"]
    assert _kinds("WARNING mail refused for PATIENT@medisecure.test") == ["personal details"]
    assert _kinds("DEBUG dob=1985-04-12") == ["personal details"]
    assert _kinds("born April 12, 1985") == ["personal details"]
    assert _kinds("other patient Riley Other seen") == ["personal details"]


def test_it_finds_a_jwt_and_a_six_digit_code():
    token = "eyJraWQiOiJrZXkiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
    assert _kinds(f"callback with id_token={token}") == ["a JWT"]
    assert _kinds("the code is 042917 for you") == ["a 6-digit code"]
    assert _kinds('"POST /signup/verify/?code=731005 HTTP/1.1" 302') == ["a 6-digit code"]


def test_it_finds_the_details_of_a_record_a_test_left_behind():
    markers = record_markers(
        {
            "email": "avery.newcomer@example.org",
            "givenName": "Avery",
            "familyName": "Newcomer",
            "dateOfBirth": "1990-05-17",
        }
    )

    assert _kinds("signup for avery.newcomer@example.org", markers) == ["personal details"]
    assert _kinds("17/05/1990", markers) == ["personal details"]


def test_it_leaves_ordinary_log_lines_alone():
    lines = [
        "2026-11-30 00:44:55,123 INFO audit.services [9f86d081884c7d659a2feaa0c55ad015] audit event written",
        '127.0.0.1 - - [30/Nov/2026 00:44:55] "POST / HTTP/1.1" 200 -',
        "Listening on http://127.0.0.1:45123, request 1234567 done",
        "GET /admin/clinicians/application/CA-7K2M-9PQR-4XZD-8HJT/ 200",
        "health check failed for ses: EndpointConnectionError",
    ]

    assert scan(lines, MARKERS, source="test") == []


def test_a_finding_does_not_repeat_what_it_found():
    [finding] = scan(["mail to patient@medisecure.test failed"], MARKERS, source="portal")

    assert "patient@medisecure.test" not in str(finding) and "portal line 1" in str(finding)


def test_the_local_stacks_output_reaches_a_watcher(local_stack):
    seen, arrived = [], threading.Event()

    def watcher(line):
        seen.append(line)
        arrived.set()

    local_stack.watch_output(watcher)
    try:
        with urllib.request.urlopen(f"{local_stack.url}/moto-api/data.json", timeout=10):
            pass
        deadline = time.monotonic() + 10
        while not any("/moto-api/data.json" in line for line in seen) and time.monotonic() < deadline:
            arrived.wait(0.1)
    finally:
        local_stack.unwatch_output(watcher)

    assert any("/moto-api/data.json" in line for line in seen)
