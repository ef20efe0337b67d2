"""`manage.py seed_demo`: a clinic in use on the local stack, made once for
this module (it is the slow part) and then looked at: a second run adds
nothing, the whole run stays under a minute, the audit trail it wrote
verifies intact, and the pages each role opens first render with the demo's
records in them. Refused outside the local stack."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from appointments import repository as appointment_repository
from audit.domain import timestamp_bound
from audit.selectors import audit_verify
from conftest import prepare_stack
from medisecure import aws as aws_clients
from medisecure import clinic_time, dynamo
from medisecure.identity.actors import NO_REQUEST, system_actor
from medisecure.tables import TABLES
from portal import seeding
from portal.demo.clinic import fixed_id
from portal.demo.repository import DEMO_STEPS
from portal.demo.steps import STEPS
from tests.support import TEST_PASSWORD, sign_in

pytestmark = pytest.mark.django_db
TIME_LIMIT_SECONDS = 60
TODAY = clinic_time.in_clinic(datetime.now(UTC)).date().isoformat()


class _Settings:
    """pytest-django's `settings`, for a module: what prepare_stack sets,
    undone when the module is done."""

    def __init__(self):
        self._overrides = []

    def __setattr__(self, name, value):
        if name.startswith("_"):
            return super().__setattr__(name, value)
        override = override_settings(**{name: value})
        override.enable()
        self._overrides.append(override)

    def __getattr__(self, name):
        return getattr(django_settings, name)

    def undo(self):
        for override in reversed(self._overrides):
            override.disable()


def _items() -> dict[str, list]:
    """Every item of every table, in key order (a Scan: a test may)."""
    client = aws_clients.client("dynamodb")
    found = {}
    for table in (*TABLES, DEMO_STEPS):
        items = []
        for page in client.get_paginator("scan").paginate(TableName=dynamo.name(table)):
            items += page["Items"]
        found[table.name] = sorted(items, key=repr)
    return found


@pytest.fixture(scope="module")
def demo(local_stack):
    settings = _Settings()
    try:
        prepare_stack(local_stack, settings)
        seeding.demo_cast_seed(password=TEST_PASSWORD)
        out = StringIO()
        began = time.monotonic()
        call_command("seed_demo", stdout=out)
        seconds = time.monotonic() - began
        first = _items()
        again = StringIO()
        call_command("seed_demo", stdout=again)
        yield {
            "seconds": seconds,
            "first": first,
            "second": _items(),
            "out": out.getvalue(),
            "again": again.getvalue(),
        }
    finally:
        settings.undo()


def test_it_seeds_every_step_in_under_a_minute(demo):
    assert demo["seconds"] < TIME_LIMIT_SECONDS, demo["out"]
    assert [line.split()[1] for line in demo["out"].splitlines()] == [step.name for step in STEPS]
    assert len(demo["first"]["demo-steps"]) == len(STEPS)


def test_a_second_run_adds_nothing(demo):
    assert demo["second"] == demo["first"]
    assert demo["again"].count("done before") == len(STEPS)


def test_it_makes_a_clinic_in_use(demo):
    items = demo["first"]
    assert len(items["providers"]) == 4
    assert len(items["availability"]) == 4
    # The demo's people; the rest are analytics' anonymous history (no email, no name).
    assert len([item for item in items["patients"] if "email" in item]) == 30
    assert all("givenName" not in item for item in items["patients"] if "email" not in item)
    statuses = [item["status"]["S"] for item in items["appointments"]]
    assert statuses.count("completed") >= 15 and statuses.count("booked") >= 10
    assert len(items["documents"]) == 6
    assert sorted(item["status"]["S"] for item in items["clinician-applications"] if "status" in item) == [
        "needs_information",
        "pending",
    ]


def _s(item: dict, name: str) -> str:
    return item[name]["S"]


def test_it_seeds_message_threads_unread_for_each_side(demo):
    threads = [item for item in demo["first"]["messages"] if item.get("itemKey", {}).get("S") == "thread"]
    assert len(threads) == 7
    jordans = [thread for thread in threads if _s(thread, "patientName") == "Jordan Example"]
    assert len(jordans) == 3
    assert any(thread["patientUnread"]["BOOL"] for thread in jordans)
    assert any(
        thread["doctorUnread"]["BOOL"] and _s(thread, "providerName") == "Dr Casey Sample"
        for thread in jordans
    )
    assert [_s(thread, "status") for thread in threads].count("closed") == 1
    assert len({_s(thread, "patientId") for thread in threads}) >= 4


def test_it_seeds_results_some_reviewed_some_waiting_and_immunizations(demo):
    records = demo["first"]["medical-records"]
    results = [item for item in records if item.get("kind", {}).get("S") == "result"]
    flags = [item["values"]["M"]["flag"]["S"] for item in results]
    waiting = [item for item in records if _s(item, "recordKey").startswith("review#")]
    immunizations = [item for item in records if item.get("kind", {}).get("S") == "immunization"]
    assert len(results) == 11 and len(waiting) == 5
    assert "critical" in flags and "high" in flags and "normal" in flags
    assert len(immunizations) == 9
    assert len({_s(item, "patientId") for item in results}) >= 4


def test_it_seeds_visit_types_locations_hours_and_a_waitlist(demo):
    items = demo["first"]
    kinds = [_s(item, "choiceId").split("#", 1)[0] for item in items["clinic-choices"]]
    assert kinds.count("visit_type") == 4 and kinds.count("location") == 2
    for hours in items["availability"]:
        assert all(rule["M"]["locationId"]["S"] for rule in hours["rules"]["L"])
    assert sum(len(hours["daysOff"]["L"]) for hours in items["availability"]) == 4
    waiting = [item for item in items["waitlist"] if _s(item, "waitKey").startswith("list#")]
    assert [_s(item, "status") for item in waiting] == ["waiting", "waiting"]
    assert sum(bool(item.get("visitTypeId", {}).get("S")) for item in items["appointments"]) == 2


def test_the_trail_it_wrote_verifies_intact(demo):
    today = datetime.now(UTC).date()
    verdict = audit_verify(
        actor=system_actor("test"),
        audit=NO_REQUEST,
        since=timestamp_bound(today - timedelta(days=1), end=False),
        until=timestamp_bound(today + timedelta(days=1), end=True),
    )

    assert verdict.intact, verdict.findings
    assert verdict.events_checked > 100


@pytest.mark.parametrize(
    ("email", "path", "expected"),
    [
        ("patient@medisecure.test", "/patient/", "Dr Łukasz Nowak"),
        ("patient@medisecure.test", "/patient/records/", "Lisinopril"),
        ("patient@medisecure.test", "/patient/documents/", "cardiology-letter.pdf"),
        ("patient@medisecure.test", "/patient/appointments/", "Dr Łukasz Nowak"),
        ("doctor@medisecure.test", f"/doctor/?view=week&start={TODAY}", "José Martínez Ruiz"),
        ("doctor@medisecure.test", "/doctor/patients/", "Martínez Ruiz"),
        ("patient@medisecure.test", "/patient/", "You have 1 unread message"),
        ("patient@medisecure.test", "/patient/messages/", "Repeat prescription for lisinopril"),
        ("patient@medisecure.test", "/patient/results/", "LDL cholesterol"),
        ("doctor@medisecure.test", "/doctor/messages/", "Metformin and my stomach"),
        ("doctor@medisecure.test", "/doctor/", "LDL cholesterol"),
        ("doctor@medisecure.test", "/doctor/", "2 unread conversations"),
        # The demo patient's latest visit: its summary, with the follow-up.
        (
            "patient@medisecure.test",
            f"/patient/visits/{fixed_id('visit', 'jordan', 'sample', '2')}/",
            "Book your next blood pressure review for three months from now",
        ),
        ("patient@medisecure.test", "/patient/appointments/?when=past", "Visit summary"),
        (
            "doctor@medisecure.test",
            f"/doctor/visits/{fixed_id('visit', 'jordan', 'sample', '12')}/",
            "Lisinopril 10 mg",
        ),
        # The day the front desk booked a caller in with Dr Sample: today's
        # visits move to a later day when the demo is seeded after hours.
        ("frontdesk@medisecure.test", "/frontdesk/?day={caller_day}", "Dr Casey Sample"),
    ],
)
def test_the_demo_pages_render_for_their_role(demo, client, email, path, expected):
    sign_in(client, email)
    caller = appointment_repository.get(fixed_id("caller", "ana", "sample"))

    response = client.get(path.format(caller_day=clinic_time.in_clinic(caller.start).date().isoformat()))

    assert response.status_code == 200, path
    assert expected in response.content.decode(), path


def test_it_refuses_outside_the_local_stack(settings):
    settings.AWS_ENDPOINT_URL = "https://dynamodb.eu-west-1.amazonaws.com"
    with pytest.raises(CommandError, match="not the local stack"):
        call_command("seed_demo", stdout=StringIO())

    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())


def test_the_marketer_sees_twelve_weeks_of_numbers_with_no_small_cell(demo, client):
    sign_in(client, "marketer@medisecure.test")

    charts = {chart.slug: chart for chart in client.get("/marketing/").context["charts"]}

    for slug, column in (("appointments", 0), ("funnel", 0), ("patients", 1)):
        rows = charts[slug].rows
        assert len(rows) == 12
        # Every week but the current one (just begun) has its count shown.
        shown = [row.values[column].text for row in rows[:-1]]
        assert all(text.isdigit() and int(text) >= 11 for text in shown), (slug, shown)
    assert charts["specialty"].rows and any(
        value.amount for row in charts["specialty"].rows for value in row.values
    )
    assert all(
        value.amount is None or value.amount >= 11
        for chart in charts.values()
        for row in (*chart.rows, chart.total)
        for value in row.values
    )
