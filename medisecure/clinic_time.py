"""Moments as people read them: in the clinic's time zone, in words, in the
language of the page ("Tue 2 Dec 2026, 10:00 AM"). Stored moments stay UTC
(medisecure.clock); this is the one place they are turned into text for a
page, an email, a PDF or a calendar file's summary. Never an ISO string,
never "UTC".

The formats are Django's, per language (medisecure/formats/<lang>/), so a
Spanish page reads "mar 2 dic 2026, 10:00"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, translation

from medisecure import clock

Moment = datetime | str


def zone() -> ZoneInfo:
    return ZoneInfo(settings.CLINIC_TIME_ZONE)


def in_clinic(moment: Moment) -> datetime:
    """An aware moment, or a stored timestamp, in the clinic's zone. A naive
    datetime is taken as UTC (what the code stores)."""
    if isinstance(moment, str):
        moment = clock.from_stamp(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def clinic_datetime(moment: Moment | None) -> str:
    """ "Tue 2 Dec 2026, 10:00 AM"."""
    return formats.date_format(in_clinic(moment), "DATETIME_FORMAT") if moment else ""


def clinic_datetime_to_second(moment: Moment | None) -> str:
    """ "Tue 2 Dec 2026, 10:00:07 AM": for the audit trail, where events a
    second apart must read apart. The language's own DATETIME_FORMAT with
    seconds after its minutes (every format in medisecure/formats/ has one
    minute token, "i")."""
    if not moment:
        return ""
    with_seconds = formats.get_format("DATETIME_FORMAT").replace("i", "i:s", 1)
    return formats.date_format(in_clinic(moment), with_seconds)


def clinic_date(value: Moment | date | None) -> str:
    """ "Tue 2 Dec 2026" (a moment is first put in the clinic's zone, so an
    evening visit keeps its own day; a calendar date stored as "2026-12-02"
    is that day)."""
    if not value:
        return ""
    if isinstance(value, str) and len(value) == len("2026-12-02"):
        value = date.fromisoformat(value)  # a calendar date as stored: no zone to put it in
    day = value if isinstance(value, date) and not isinstance(value, datetime) else in_clinic(value).date()
    return formats.date_format(day, "DATE_FORMAT")


def _day_of(value: Moment | date) -> date:
    if isinstance(value, str) and len(value) == len("2026-12-02"):
        return date.fromisoformat(value)
    return value if isinstance(value, date) and not isinstance(value, datetime) else in_clinic(value).date()


def _language_format(name: str) -> str:
    """One of the formats medisecure/formats/ adds to Django's (Django's
    date filter reads only its own names)."""
    for module in formats.get_format_modules(translation.get_language()):
        if hasattr(module, name):
            return getattr(module, name)
    raise LookupError(name)


def clinic_long_date(value: Moment | date | None) -> str:
    """ "Wednesday 2 December 2026": the day of a visit in an email."""
    return formats.date_format(_day_of(value), _language_format("LONG_DATE_FORMAT")) if value else ""


def clinic_day(value: Moment | date | None) -> str:
    """ "Wednesday 2 December": a day within the next few weeks."""
    return formats.date_format(_day_of(value), _language_format("WEEKDAY_DAY_FORMAT")) if value else ""


def clinic_time(moment: Moment | None) -> str:
    """ "10:00 AM"."""
    return formats.time_format(in_clinic(moment), "TIME_FORMAT") if moment else ""


def age_on(birth: date, today: date) -> int:
    """Whole years from `birth` to `today`."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
