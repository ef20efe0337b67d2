"""The front desk's day and its search for a caller. Plain data only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from appointments.domain import ARRIVED, NO_SHOW, Appointment
from medisecure.errors import DomainError, NotFound

# What each of the front desk's marks is audited as.
DESK_ACTIONS = {ARRIVED: "appointment.arrived", NO_SHOW: "appointment.no_show"}


class CheckInRefused(DomainError):
    """Not a mark the front desk may make now (not booked, too early...)."""


class CallerNotFound(NotFound):
    """No patient has that id."""


@dataclass(frozen=True)
class DeskEntry:
    appointment: Appointment
    may_arrive: bool
    may_no_show: bool


@dataclass(frozen=True)
class DoctorDay:
    provider_id: str
    provider_name: str
    entries: list[DeskEntry]


@dataclass(frozen=True)
class DeskDay:
    day: date
    doctors: list[DoctorDay]
    now: datetime

    @property
    def previous(self) -> date:
        return date.fromordinal(self.day.toordinal() - 1)

    @property
    def next(self) -> date:
        return date.fromordinal(self.day.toordinal() + 1)


def desk_day(day: date, appointments: list[Appointment], *, now: datetime) -> DeskDay:
    """The day's appointments by doctor (by name), each in time order, with
    what the front desk may mark now."""
    doctors: dict[str, list[DeskEntry]] = {}
    names: dict[str, str] = {}
    for appointment in sorted(appointments, key=lambda a: (a.start, a.appointment_id)):
        names[appointment.provider_id] = appointment.provider_name
        doctors.setdefault(appointment.provider_id, []).append(
            DeskEntry(
                appointment,
                may_arrive=appointment.frontdesk_may_set(ARRIVED, now=now),
                may_no_show=appointment.frontdesk_may_set(NO_SHOW, now=now),
            )
        )
    ordered = sorted(doctors, key=lambda provider_id: names[provider_id])
    return DeskDay(day, [DoctorDay(pid, names[pid], doctors[pid]) for pid in ordered], now)
