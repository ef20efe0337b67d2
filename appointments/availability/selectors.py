"""Reads of doctors' availability (no PHI: the hours a doctor works), for
the doctor's own page and for the rooms that offer and check slots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from appointments import repository as appointments_repository
from appointments.availability import repository
from appointments.choices.domain import Location
from appointments.choices.selectors import locations_list
from appointments.clinic import booking_horizon, clinic_zone
from appointments.domain import Availability, Slot, bookable_slots, slots_between
from clinicians.domain import Provider
from clinicians.selectors import provider_read
from medisecure import clock, dynamo

PREVIEW_DAYS = 14


@dataclass(frozen=True)
class PreviewDay:
    day: date
    slots: list[Slot]
    day_off: bool = False


def availability_get(*, provider_id: str) -> Availability:
    """A doctor's availability; an empty one if they never set any."""
    return repository.availability_get(provider_id)


def availability_read(*, provider_id: str) -> dynamo.ItemRead[Availability]:
    """A doctor's availability, to read in one round trip with other items
    (medisecure.dynamo.read_together)."""
    return repository.availability_read(provider_id)


def notice_recipient_get(*, provider_id: str) -> Provider | None:
    """The doctor, if they asked to be emailed when a patient books or
    cancels with them (one round trip); None if they did not, and None when
    it cannot be read now: a notice is sent after the change it is about is
    stored, and must not turn that into an error."""
    read = repository.availability_read_if_answered(provider_id, provider_read(provider_id=provider_id))
    if read is None:
        return None
    availability, provider = read
    return provider if availability.notify_by_email else None


def hours_preview_get(*, provider_id: str, proposed: Availability) -> list[PreviewDay]:
    """The slots patients would be offered over the next two weeks (today
    and the 13 days after) with `proposed` as the doctor's hours: the same
    rule the booking page applies (appointments.domain.bookable_slots),
    without the times already booked. One Query (the bookings), no PHI."""
    zone, now = clinic_zone(), clock.now()
    first_day = now.astimezone(zone).date()
    last_day = first_day + timedelta(days=PREVIEW_DAYS - 1)
    span = slots_between(proposed, first_day, last_day, zone)
    taken = (
        appointments_repository.booked_spans(
            provider_id, since=span[0].start, until=max(slot.end for slot in span)
        )
        if span
        else []
    )
    free = bookable_slots(
        proposed, first_day, last_day, zone, taken=taken, now=now, horizon=booking_horizon()
    )
    days: dict[date, list[Slot]] = {first_day + timedelta(days=offset): [] for offset in range(PREVIEW_DAYS)}
    for slot in free:
        days[slot.start.astimezone(zone).date()].append(slot)
    return [PreviewDay(day, slots, day_off=day in proposed.days_off) for day, slots in days.items()]


def hours_locations_list() -> list[Location]:
    """The places a doctor's hours may be at (one Query; none: the clinic has one place)."""
    return locations_list()
