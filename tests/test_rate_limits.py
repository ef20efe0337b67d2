"""Rate limits hold: the sign-up start and the clinician application allow
a fixed number of attempts per client address in a window, counted by a
conditional DynamoDB write, so parallel requests cannot slip past; the one
over the limit gets a 429 page that says so beside the form and stores and
sends nothing. A sign-up's code allows a fixed number of wrong tries, also
under parallel guessing."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from clinicians.applications import services as clinician_services
from clinicians.applications.domain import Submission
from clinicians.applications.forms import ApplicationForm
from clinicians.tests.support import application_form, apply, stored_items
from medisecure import rate_limits
from medisecure.identity.actors import ANONYMOUS, AuditContext
from medisecure.rate_limits import RateLimited
from patients.signup import repository
from patients.signup import services as signup_services
from patients.signup.domain import SendOutcome, SignupDetails
from patients.tests.conftest import signup_form
from tests.support import in_parallel, sent_mail

pytestmark = pytest.mark.django_db

PARALLEL = 12


def anonymous_post(path: str, address: str = "203.0.113.9"):
    request = RequestFactory().post(path, REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        rate_limits.SIGNUP_START: {"attempts": 3, "window_seconds": 3600},
        rate_limits.CLINICIAN_APPLY: {"attempts": 2, "window_seconds": 3600},
    }
    return settings.RATE_LIMITS


def test_a_counter_lets_exactly_its_limit_through_under_parallel_attempts(aws, limits):
    outcomes = in_parallel(
        lambda: rate_limits.rate_limit_attempt(name=rate_limits.SIGNUP_START, subject="203.0.113.9")
    )

    assert outcomes.count(None) == 3
    assert [type(o) for o in outcomes if o is not None] == [RateLimited] * (PARALLEL - 3)
    assert all(0 < o.retry_after_seconds <= 3600 for o in outcomes if o is not None)


def test_each_address_has_its_own_count(aws, limits):
    for _ in range(3):
        rate_limits.rate_limit_attempt(name=rate_limits.SIGNUP_START, subject="203.0.113.9")

    rate_limits.rate_limit_attempt(name=rate_limits.SIGNUP_START, subject="198.51.100.4")
    rate_limits.rate_limit_attempt(name=rate_limits.CLINICIAN_APPLY, subject="203.0.113.9")
    with pytest.raises(RateLimited):
        rate_limits.rate_limit_attempt(name=rate_limits.SIGNUP_START, subject="203.0.113.9")


def test_parallel_signups_from_one_address_start_no_more_than_the_limit(aws, local_stack, limits):
    emails = iter(f"person.{n}@example.org" for n in range(PARALLEL))
    lock = threading.Lock()

    def start():
        with lock:
            email = next(emails)
        details = SignupDetails(email, "Avery", "Newcomer", "1990-05-17", "+12125550123")
        return signup_services.signup_request(
            actor=ANONYMOUS, audit=AuditContext(ip="203.0.113.9"), details=details
        )

    outcomes = in_parallel(start)

    started = [o for o in outcomes if isinstance(o, SendOutcome)]
    assert len(started) == 3 and [type(o) for o in outcomes if o not in started] == [RateLimited] * (
        PARALLEL - 3
    )
    assert len(sent_mail(local_stack)) == 3


def test_the_signup_over_the_limit_gets_a_429_beside_the_form_and_nothing_is_sent(
    client, aws, local_stack, limits
):
    for n in range(3):
        assert Client().post("/signup/", signup_form(email=f"person.{n}@example.org")).status_code == 302

    refused = client.post("/signup/", signup_form())

    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    body = refused.content.decode()
    assert "Too many attempts from your network" in body and 'value="Avery"' in body  # the form, as typed
    assert "signup" not in client.session
    assert repository.ledger_get("avery.newcomer@example.org").version == 0
    assert len(sent_mail(local_stack)) == 3


def test_parallel_applications_from_one_address_store_no_more_than_the_limit(aws, limits):
    emails = iter(f"applicant.{n}@example.com" for n in range(PARALLEL))
    lock = threading.Lock()

    def submit():
        with lock:
            values = application_form(email=next(emails))
        form = ApplicationForm(values, {"licence_scan": values["licence_scan"]})
        assert form.is_valid(), form.errors
        return clinician_services.application_submit(
            actor=ANONYMOUS,
            audit=AuditContext(ip="203.0.113.9"),
            details=form.details(),
            scan=form.cleaned_data["licence_scan"],
            scan_type=form.scan_type,
        )

    outcomes = in_parallel(submit)

    stored = [o for o in outcomes if isinstance(o, Submission)]
    assert len(stored) == 2 and [type(o) for o in outcomes if o not in stored] == [RateLimited] * (
        PARALLEL - 2
    )
    assert len([item for item in stored_items() if "status" in item]) == 2


def test_the_application_over_the_limit_gets_a_429_beside_the_form_and_nothing_is_stored(client, aws, limits):
    for n in range(2):
        assert apply(Client(), email=f"applicant.{n}@example.com").status_code == 302

    refused = apply(client)

    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Too many attempts from your network" in refused.content.decode()
    assert len([item for item in stored_items() if "status" in item]) == 2
