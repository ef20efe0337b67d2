"""The doctor's schedule: which stretch of days a page shows, the
appointments on it and what the doctor may do with each now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from appointments.domain import CANCELLED, COMPLETED, NO_SHOW, Appointment
from appointments.schedules.grid import WeekGrid
from medisecure.errors import DomainError

if TYPE_CHECKING:
    from patients.records.results import ResultNotice

DAY = "day"
WEEK = "week"
# What the doctor's change of an appointment to each status is audited as.
DOCTOR_ACTIONS = {
    CANCELLED: "appointment.cancel",
    COMPLETED: "appointment.complete",
    NO_SHOW: "appointment.no_show",
}


class StatusChangeRefused(DomainError):
    """Not a change the doctor may make now (already cancelled, not started yet...)."""


@dataclass(frozen=True)
class ScheduleEntry:
    """An appointment on the doctor's schedule and what they may do with it now."""

    appointment: Appointment
    may_cancel: bool
    may_mark: bool  # completed or missed
    join_url: str = ""  # a booked video visit's link


@dataclass(frozen=True)
class ProviderSchedule:
    first_day: date
    days: int
    appointments: list[Appointment]
    next_page: str | None
    now: datetime
    join_urls: dict[str, str] = field(default_factory=dict)  # by appointment id

    @property
    def entries(self) -> list[ScheduleEntry]:
        return [
            ScheduleEntry(
                appointment,
                may_cancel=appointment.doctor_may_set(CANCELLED, now=self.now),
                may_mark=appointment.doctor_may_set(COMPLETED, now=self.now),
                join_url=self.join_urls.get(appointment.appointment_id, ""),
            )
            for appointment in self.appointments
        ]


@dataclass(frozen=True)
class Stretch:
    """The days a schedule page shows and the pages around it (local dates)."""

    view: str  # DAY or WEEK
    first_day: date
    days: int
    today: date

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)

    @property
    def previous(self) -> date:
        return self.first_day - timedelta(days=self.days)

    @property
    def next(self) -> date:
        return self.first_day + timedelta(days=self.days)

    @property
    def shows_today(self) -> bool:
        return self.first_day <= self.today <= self.last_day


def stretch_of(view: str, start: date | None, *, today: date) -> Stretch:
    """A day from `start` (today by default), or the week (Monday to Sunday)
    holding it."""
    first_day = start or today
    if view == WEEK:
        return Stretch(WEEK, first_day - timedelta(days=first_day.weekday()), 7, today)
    return Stretch(DAY, first_day, 1, today)


@dataclass(frozen=True)
class SchedulePage:
    """The doctor's home: their schedule and its grid, and (on today's
    page) how many messages from patients are unread and the results
    waiting for their review."""

    stretch: Stretch
    schedule: ProviderSchedule
    grid: WeekGrid
    unread_messages: int = 0
    to_review: list[ResultNotice] = field(default_factory=list)
