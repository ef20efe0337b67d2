"""The doctor's week (or day) as a time grid: rows by local time of day,
a column per date, each appointment and each open slot a block spanning
the rows it covers. Plain data and rules only (the schedules room's
domain; a module of its own so domain.py stays short).

Blocks that overlap on a date (an overbooking, a cancelled visit and the
open slot it freed) share one cell, listed in time order, so the table
never needs two cells in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import reduce

from appointments.domain import LOCK_UNIT_MINUTES, Appointment, Slot

# With nothing on the grid, the rows of a usual clinic day.
DEFAULT_FIRST_MINUTE = 8 * 60
DEFAULT_LAST_MINUTE = 17 * 60
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class GridItem:
    """An appointment, or (appointment None) an open slot patients may book."""

    start: datetime  # UTC
    end: datetime  # UTC
    appointment: Appointment | None = None

    @property
    def is_open(self) -> bool:
        return self.appointment is None


@dataclass(frozen=True)
class GridCell:
    """One cell of a row: the blocks starting here (spanning `rowspan` rows),
    none (an empty cell), or covered by a block above (not drawn)."""

    day: date
    items: tuple[GridItem, ...] = ()
    rowspan: int = 1
    covered: bool = False


@dataclass(frozen=True)
class GridRow:
    at: datetime  # the row's time of day, on the grid's first date, in the clinic's zone
    cells: list[GridCell] = field(default_factory=list)


@dataclass(frozen=True)
class WeekGrid:
    days: list[date]
    rows: list[GridRow]
    step_minutes: int

    @property
    def by_day(self) -> list[tuple[date, list[GridItem]]]:
        """Each date's blocks in time order (the day list phones are shown)."""
        return [
            (day, [item for row in self.rows for cell in row.cells if cell.day == day for item in cell.items])
            for day in self.days
        ]


def _local_minutes(moment: datetime, zone: tzinfo) -> int:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute


def _span(item: GridItem, zone: tzinfo) -> tuple[int, int]:
    start = _local_minutes(item.start, zone)
    length = max(LOCK_UNIT_MINUTES, int((item.end - item.start).total_seconds() // 60))
    return start, min(DAY_MINUTES, start + length)


def week_grid(
    days: list[date], appointments: list[Appointment], open_slots: list[Slot], zone: tzinfo
) -> WeekGrid:
    """The grid of `days`: rows as fine as the blocks need (the greatest
    common step of their starts and lengths, at least LOCK_UNIT_MINUTES),
    from the hour before the first block to the hour after the last."""
    by_day: dict[date, list[GridItem]] = {day: [] for day in days}
    for appointment in appointments:
        day = appointment.start.astimezone(zone).date()
        if day in by_day:
            by_day[day].append(GridItem(appointment.start, appointment.end, appointment))
    for slot in open_slots:
        day = slot.start.astimezone(zone).date()
        if day in by_day:
            by_day[day].append(GridItem(slot.start, slot.end))
    spans = [_span(item, zone) for items in by_day.values() for item in items]
    step = reduce(math.gcd, [value for span in spans for value in (span[0], span[1] - span[0])], 0) or 60
    if step > 60:
        step = math.gcd(step, 60)
    step = max(LOCK_UNIT_MINUTES, step)
    # Every block starts on a multiple of the step; the rows begin on the
    # hour before the first when the step divides an hour, else at the first.
    first = min([start for start, _ in spans], default=DEFAULT_FIRST_MINUTE)
    last = max([end for _, end in spans], default=DEFAULT_LAST_MINUTE)
    if spans and 60 % step == 0:
        first -= first % 60
        last = min(DAY_MINUTES, math.ceil(last / 60) * 60)
    count = max(1, math.ceil((last - first) / step))
    columns: dict[date, dict[int, GridCell]] = {}
    for day in days:
        cells: dict[int, GridCell] = {}
        items = sorted(by_day[day], key=lambda item: (item.start, item.is_open))
        clusters: list[tuple[int, int, list[GridItem]]] = []
        for item in items:
            start, end = _span(item, zone)
            if clusters and start < clusters[-1][1]:
                begun, ended, members = clusters[-1]
                clusters[-1] = (begun, max(ended, end), [*members, item])
            else:
                clusters.append((start, end, [item]))
        for start, end, members in clusters:
            top = max(0, (start - first) // step)
            bottom = min(count, math.ceil((end - first) / step))
            cells[top] = GridCell(day, tuple(members), rowspan=max(1, bottom - top))
            for covered in range(top + 1, bottom):
                cells[covered] = GridCell(day, covered=True)
        columns[day] = cells
    rows = []
    for position in range(count):
        minute = first + position * step
        at = datetime.combine(days[0], time(minute // 60 % 24, minute % 60), tzinfo=zone)
        rows.append(GridRow(at, [columns[day].get(position, GridCell(day)) for day in days]))
    return WeekGrid(days=days, rows=rows, step_minutes=step)


def dates_of(first_day: date, count: int) -> list[date]:
    return [first_day + timedelta(days=offset) for offset in range(count)]
