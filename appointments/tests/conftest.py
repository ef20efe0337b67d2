"""Fixtures for the appointment tests: a clinic clock the tests set, a
doctor's hours, and the cast's people as the actors services are called
with directly (as the race tests' threads do)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from appointments.availability.selectors import availability_get
from appointments.availability.services import availability_update
from appointments.booking.services import appointment_book
from appointments.domain import Availability, WeeklyRule, new_booking_id
from medisecure import clock
from medisecure.identity.actors import NO_REQUEST, Actor
from tests.support import FakeClock

# Monday 2 March 2026, 07:00 in New York: the week before clocks go forward.
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
WEEKDAYS = range(5)


@pytest.fixture
def clinic_clock(monkeypatch, settings):
    settings.CLINIC_TIME_ZONE = "America/New_York"
    settings.APPOINTMENT_CHANGE_CUTOFF_HOURS = 24
    settings.BOOKING_HORIZON_WEEKS = 4
    fake = FakeClock(NOW)
    monkeypatch.setattr("medisecure.clock.now", fake.now)
    return fake


def as_actor(person) -> Actor:
    """`person` (a cast member) as the actor a service is called with."""
    return Actor(user_id=person.sub, role=person.role.value)


def set_hours(person, *rules: WeeklyRule, **exceptions) -> Availability:
    current = availability_get(provider_id=person.sub)
    proposed = Availability(provider_id=person.sub, rules=rules, version=current.version, **exceptions)
    return availability_update(actor=as_actor(person), audit=NO_REQUEST, proposed=proposed)


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
TUESDAY_NINE = clock.from_stamp("2026-03-03T14:00:00Z")


def book(person, doctor, start=TUESDAY_NINE, *, reason="A persistent cough", booking_id=None):
    return appointment_book(
        actor=as_actor(person),
        audit=NO_REQUEST,
        provider_id=doctor.sub,
        start=start,
        reason=reason,
        appointment_id=booking_id or new_booking_id(),
    )
