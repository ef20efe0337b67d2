"""Every DynamoDB call for doctors' availability: one item per doctor, its
weekly hours, days off and extra hours as clock times of the clinic's day
("09:00": times of day, not moments, so not stamps), replaced whole at the
version it was read at."""

from __future__ import annotations

import logging
from datetime import date, time
from typing import TypeVar

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import BotoCoreError, ClientError

from appointments.domain import Availability, Break, ExtraHours, WeeklyRule
from medisecure import clock, dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.tables import AVAILABILITY
from medisecure.unit_of_work import Transaction

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _time(text: str) -> time:
    return time.fromisoformat(text)


def _availability_values(availability: Availability) -> dict:
    return {
        "providerId": availability.provider_id,
        "version": availability.version,
        "rules": [
            {
                "weekday": rule.weekday,
                "start": _hhmm(rule.start),
                "end": _hhmm(rule.end),
                "slotMinutes": rule.slot_minutes,
                "breaks": [f"{_hhmm(pause.start)}-{_hhmm(pause.end)}" for pause in rule.breaks],
                "locationId": rule.location_id,
            }
            for rule in availability.rules
        ],
        "daysOff": [day.isoformat() for day in availability.days_off],
        "extraHours": [
            {
                "day": extra.day.isoformat(),
                "start": _hhmm(extra.start),
                "end": _hhmm(extra.end),
                "slotMinutes": extra.slot_minutes,
                "locationId": extra.location_id,
            }
            for extra in availability.extra_hours
        ],
        "notifyByEmail": availability.notify_by_email,
        "updatedAt": clock.stamp(),
    }


def _break(text: str) -> Break:
    start, end = text.split("-")
    return Break(_time(start), _time(end))


def availability_from(provider_id: str, values: dict | None) -> Availability:
    """A doctor's availability; an empty one if they never set any."""
    if not values:
        return Availability(provider_id=provider_id)
    return Availability(
        provider_id=provider_id,
        rules=tuple(
            WeeklyRule(
                weekday=int(rule["weekday"]),
                start=_time(rule["start"]),
                end=_time(rule["end"]),
                slot_minutes=int(rule["slotMinutes"]),
                breaks=tuple(_break(text) for text in rule.get("breaks", [])),
                location_id=rule.get("locationId", ""),
            )
            for rule in values.get("rules", [])
        ),
        days_off=tuple(date.fromisoformat(day) for day in values.get("daysOff", [])),
        extra_hours=tuple(
            ExtraHours(
                date.fromisoformat(extra["day"]),
                _time(extra["start"]),
                _time(extra["end"]),
                int(extra["slotMinutes"]),
                extra.get("locationId", ""),
            )
            for extra in values.get("extraHours", [])
        ),
        version=int(values.get("version", 0)),
        notify_by_email=bool(values.get("notifyByEmail", False)),
    )


def availability_get(provider_id: str) -> Availability:
    return availability_from(provider_id, dynamo.get(AVAILABILITY, {"providerId": provider_id}))


def availability_read(provider_id: str) -> dynamo.ItemRead[Availability]:
    """The doctor's availability, to read in one round trip with other items
    (medisecure.dynamo.read_together)."""
    return dynamo.ItemRead(
        AVAILABILITY, {"providerId": provider_id}, lambda values: availability_from(provider_id, values)
    )


def availability_save_add(tx: Transaction, availability: Availability, *, expected_version: int) -> None:
    """Store `availability`, only if no one saved another since
    `expected_version` (ConcurrentUpdate)."""
    guard = Attr("providerId").not_exists() if expected_version == 0 else Attr("version").eq(expected_version)
    tx.add(
        dynamo.put_entry(AVAILABILITY, _availability_values(availability), guard), refused=ConcurrentUpdate
    )


def availability_read_if_answered(
    provider_id: str, other: dynamo.ItemRead[T]
) -> tuple[Availability, T] | None:
    """The doctor's availability and `other` in one round trip, for what is
    done after a change is stored (a notice to the doctor); None when
    DynamoDB does not answer, so the stored change is not turned into an
    error page. Identifiers only in the log."""
    try:
        availability, found = dynamo.read_together(availability_read(provider_id), other)
    except (ClientError, BotoCoreError) as error:
        logger.warning("availability of %s not read: %s", provider_id, type(error).__name__)
        return None
    return availability, found
