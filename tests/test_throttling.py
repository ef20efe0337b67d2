"""DynamoDB throttling, injected at botocore's send boundary: a request
throttled a couple of times succeeds through botocore's own retries (the
policy in medisecure/aws.py); one throttled past the retry budget is a plain
503 with Retry-After that changed nothing, and the same action succeeds when
repeated."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from audit import repository as audit_log
from medisecure import aws
from patients import repository as patients
from patients.signup import repository as signups
from patients.tests.conftest import signup_form
from patients.tests.test_profile import _profile_form
from tests import faults
from tests.support import sent_mail, sign_in

pytestmark = pytest.mark.django_db

THROTTLE_CODES = ("ProvisionedThroughputExceededException", "ThrottlingException")
# Every attempt botocore makes for one call, the first included.
RETRY_BUDGET = aws.TOTAL_ATTEMPTS


@dataclass
class Throttle:
    """Answers DynamoDB requests with a throttling error: the next `times`
    requests (of `operation`, if named), then lets everything through."""

    code: str
    times: int = 0
    operation: str | None = None
    refused: list = field(default_factory=list)
    backoff: object = None  # the BackoffClock that recorded botocore's waits

    def __call__(self, request, operation):
        if self.times and (self.operation is None or operation == self.operation):
            self.times -= 1
            self.refused.append(operation)
            return faults.json_error(
                request,
                status=400,
                code=self.code,
                message="Rate of requests exceeds the allowed throughput.",
            )
        return None


class BackoffClock:
    """Stands in for the `time` botocore's endpoint sleeps with between
    retries: the backoff it asks for is recorded, not waited out, so these
    tests cost what the requests cost and not seconds of jittered sleep."""

    def __init__(self):
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(params=THROTTLE_CODES)
def throttle(request, monkeypatch):
    """A Throttle installed on the portal's DynamoDB client for the test."""
    backoff = BackoffClock()
    monkeypatch.setattr("botocore.endpoint.time", backoff)
    fault = Throttle(code=request.param)
    fault.backoff = backoff
    with faults.at_send("dynamodb", fault):
        yield fault


def _profile_events(patient_id: str) -> list:
    events, _ = audit_log.list_by("patientId", patient_id, limit=100)
    return [event for event in events if event.action == "patient.profile.update"]


# Who opens the page, where, and something the page shows when it is served.
PAGES = {
    "patient-home": ("patient", "/patient/", "Jordan"),
    "patient-appointments": ("patient", "/patient/appointments/", "<h1>My appointments</h1>"),
    "doctor-home": ("doctor", "/doctor/", "<h1>My schedule</h1>"),
    "doctor-patients": ("doctor", "/doctor/patients/", "Jordan"),
    "admin-applications": ("admin", "/admin/clinicians/application/", "Pending"),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_throttled_within_the_retry_budget_is_served_through_the_retries(client, cast, throttle, page):
    actor, path, shown = PAGES[page]
    sign_in(client, getattr(cast, actor).email)
    throttle.times = RETRY_BUDGET - 1

    response = client.get(path)

    assert response.status_code == 200 and shown in response.content.decode()
    assert len(throttle.refused) == RETRY_BUDGET - 1
    # botocore backed off before each retry (recorded, not waited out)
    assert len(throttle.backoff.waits) == RETRY_BUDGET - 1


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_throttled_past_the_retry_budget_is_a_503_and_works_when_asked_again(
    client, cast, throttle, page
):
    actor, path, shown = PAGES[page]
    sign_in(client, getattr(cast, actor).email)
    throttle.times = RETRY_BUDGET

    refused = client.get(path)

    assert refused.status_code == 503 and int(refused["Retry-After"]) > 0
    body = refused.content.decode()
    assert "busy right now" in body and shown not in body and "Traceback" not in body
    assert len(throttle.refused) == RETRY_BUDGET  # botocore retried, then gave up
    again = client.get(path)
    assert again.status_code == 200 and shown in again.content.decode()


def test_a_profile_save_throttled_twice_is_saved_once(client, cast, throttle):
    sign_in(client, cast.patient.email)
    before = patients.get(cast.patient.sub)
    throttle.times, throttle.operation = RETRY_BUDGET - 1, "TransactWriteItems"

    saved = client.post("/patient/profile/", _profile_form(before, city="Albany"))

    assert saved.status_code == 302
    after = patients.get(cast.patient.sub)
    assert after.city == "Albany" and after.version == before.version + 1
    assert len(_profile_events(cast.patient.sub)) == 1


def test_a_profile_save_throttled_past_the_budget_writes_nothing_and_saves_when_repeated(
    client, cast, throttle
):
    sign_in(client, cast.patient.email)
    before = patients.get(cast.patient.sub)
    form = _profile_form(before, city="Albany")
    throttle.times, throttle.operation = RETRY_BUDGET, "TransactWriteItems"

    refused = client.post("/patient/profile/", form)

    assert refused.status_code == 503 and refused["Retry-After"]
    assert "Nothing was changed" in refused.content.decode()
    assert patients.get(cast.patient.sub) == before
    assert _profile_events(cast.patient.sub) == []
    # The person presses Save again with the same form.
    assert client.post("/patient/profile/", form).status_code == 302
    assert patients.get(cast.patient.sub).city == "Albany"
    assert len(_profile_events(cast.patient.sub)) == 1


def test_a_signup_throttled_past_the_budget_starts_nothing_and_starts_when_repeated(
    client, aws, local_stack, throttle
):
    throttle.times, throttle.operation = RETRY_BUDGET, "TransactWriteItems"

    refused = client.post("/signup/", signup_form())

    assert refused.status_code == 503 and refused["Retry-After"]
    assert "signup" not in client.session
    assert signups.ledger_get("avery.newcomer@example.org").version == 0  # nothing written
    assert sent_mail(local_stack) == []
    again = client.post("/signup/", signup_form())
    assert again.status_code == 302 and again["Location"] == "/signup/verify/"
    [message] = sent_mail(local_stack)
    assert message["destinations"]["ToAddresses"] == ["avery.newcomer@example.org"]


def test_a_signup_throttled_twice_sends_one_code(client, aws, local_stack, throttle):
    throttle.times, throttle.operation = RETRY_BUDGET - 1, "TransactWriteItems"

    started = client.post("/signup/", signup_form())

    assert started.status_code == 302 and started["Location"] == "/signup/verify/"
    assert len(sent_mail(local_stack)) == 1
