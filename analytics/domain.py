"""De-identified appointment counts: one counter per (ISO week in clinic
time, appointment status), nothing that names or singles out a person.

A booking counts once under "booked" for the week its visit falls in; when
its status later changes to cancelled, missed or completed it counts once
more under that status. Nothing is ever decremented: "booked" is how many
bookings were made, the others how many of them ended so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from medisecure import clinic_time, clock

BOOKED, CANCELLED, NO_SHOW, COMPLETED = "booked", "cancelled", "no_show", "completed"
STATUSES = (BOOKED, CANCELLED, NO_SHOW, COMPLETED)
STATUS_LABELS = {BOOKED: "Booked", CANCELLED: "Cancelled", NO_SHOW: "Missed", COMPLETED: "Completed"}
# The one partition of the minimal dashboard: every appointment, by week.
APPOINTMENTS_ALL = "appointments|all"
# Cells under this many are shown only as "fewer than" it.
SMALL_CELL = 11
WEEKS_SHOWN = 12


def iso_week(moment: datetime) -> str:
    """'2026-W09': the ISO week of a moment, in clinic time."""
    year, week, _ = clinic_time.in_clinic(moment).isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def weeks_ending(today: date, count: int = WEEKS_SHOWN) -> list[str]:
    """The ISO weeks of the `count` weeks up to and including today's."""
    return [
        f"{year}-W{week:02d}"
        for year, week, _ in (
            (today - timedelta(weeks=back)).isocalendar() for back in range(count - 1, -1, -1)
        )
    ]


def counter_key(week: str, status: str) -> str:
    return f"{week}#{status}"


@dataclass(frozen=True)
class Increment:
    """One counter to raise by one, for one stream record."""

    metric: str
    cell: str  # "<week>#<status>"


def appointment_increments(event_name: str, new: dict | None, old: dict | None) -> list[Increment]:
    """What one change to an appointment item counts (nothing for a REMOVE:
    appointments are kept, an expired one is not a cancellation)."""
    if event_name == "REMOVE" or not new or "scheduledDateTime" not in new:
        return []
    status = new.get("status")
    if status not in STATUSES:
        return []
    if old is not None and old.get("status") == status:
        return []  # a change that is not a status change counts nothing
    if old is None and status != BOOKED:
        # Written straight into a final status (seeded history): it was booked too.
        statuses = [BOOKED, status]
    else:
        statuses = [status]
    week = iso_week(clock.from_stamp(new["scheduledDateTime"]))
    return [Increment(APPOINTMENTS_ALL, counter_key(week, each)) for each in statuses]


def suppressed(count: int) -> str:
    """A cell as it may be shown: under SMALL_CELL only as '<11'."""
    return f"<{SMALL_CELL}" if count < SMALL_CELL else str(count)


@dataclass(frozen=True)
class WeekRow:
    week: str
    starts: str  # the Monday, in words
    cells: tuple[str, ...]  # one per STATUSES, suppressed


@dataclass(frozen=True)
class Dashboard:
    rows: tuple[WeekRow, ...]
    statuses: tuple[str, ...] = tuple(STATUS_LABELS[status] for status in STATUSES)
