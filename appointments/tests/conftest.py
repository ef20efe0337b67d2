"""Fixtures for the appointment tests: a clinic clock the tests set, a
doctor's hours, and requests as the cast's people for calling services
directly (as the race tests' threads do)."""

from __future__ import annotations

from datetime import datetime, time, timezone
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from appointments import repository, services
from appointments.domain import Availability, WeeklyRule, from_iso
from tests.support import FakeClock

# Monday 2 March 2026, 07:00 in New York: the week before clocks go forward.
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
WEEKDAYS = range(5)


@pytest.fixture
def clinic_clock(monkeypatch, settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    settings.APPOINTMENT_CHANGE_CUTOFF_HOURS = 24
    settings.BOOKING_HORIZON_WEEKS = 4
    fake = FakeClock(NOW)
    monkeypatch.setattr("medisecure.clock.now", fake.now)
    return fake


def request_as(person, role: str | None = None):
    """A request from `person` (a cast member) for calling a service directly."""
    request = RequestFactory().post("/", HTTP_USER_AGENT="appointments-tests")
    request.user = SimpleNamespace(
        is_authenticated=True, username=person.sub, role=role or person.role.value
    )
    request.request_id = "test-request"
    return request


def set_hours(person, *rules: WeeklyRule, **exceptions) -> Availability:
    current = repository.availability_get(person.sub)
    proposed = Availability(provider_id=person.sub, rules=rules, version=current.version, **exceptions)
    return services.availability_update(request=request_as(person), proposed=proposed)


def weekday_mornings(slot_minutes: int = 30) -> tuple[WeeklyRule, ...]:
    return tuple(WeeklyRule(day, time(9), time(12), slot_minutes) for day in WEEKDAYS)


@pytest.fixture
def doctor_hours(cast, clinic_clock):
    """Both doctors see patients 09:00-12:00 New York time on weekdays, in
    30-minute slots."""
    set_hours(cast.doctor, *weekday_mornings())
    set_hours(cast.other_doctor, *weekday_mornings())
    return cast


# Tuesday 3 March 2026 09:00 in New York (EST, UTC-5).
TUESDAY_NINE = from_iso("2026-03-03T14:00:00Z")


def book(person, doctor, start=TUESDAY_NINE, *, reason="A persistent cough", booking_id=None):
    from appointments.domain import new_booking_id

    return services.appointment_book(
        request=request_as(person), provider_id=doctor.sub, start=start, reason=reason,
        appointment_id=booking_id or new_booking_id(),
    )
