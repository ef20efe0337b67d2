"""Doctors' availability, the slots it offers, and appointments. Plain data
and rules only.

Availability is entered in the clinic's local time and turned into slots for
a given local date with zoneinfo, so a 09:00 rule gives 09:00 local on both
sides of a daylight-saving change. Slots and appointments are held in UTC.

No double booking is settled by lock items, one per doctor and per patient
for every LOCK_UNIT_MINUTES unit an appointment covers: two appointments
that overlap at all share a unit, whatever their lengths.

The errors every room of the app shares are here too: an appointment that is
not there (or not the actor's), a doctor who is not there, and what each
guard of a booking's transaction raises when DynamoDB refuses it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils.translation import gettext_lazy as _

from medisecure import clock
from medisecure.errors import DomainError, NotFound

LOCK_UNIT_MINUTES = 5
MIN_SLOT_MINUTES = 10
MAX_SLOT_MINUTES = 60
PROVIDER_LOCK_PREFIX = "provider#"
PATIENT_LOCK_PREFIX = "patient#"
# Locks outlive their slot by a day, then DynamoDB may drop them; a slot in
# the past can no longer be booked, so an expired lock guards nothing.
LOCK_GRACE = timedelta(days=1)
# How a slot's start is written in the booking pages' links and forms (not
# how it is stored: that is medisecure.clock.stamp). The grid never goes
# below the minute, so the second is precision enough and links stay short.
SLOT_START_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Why a booking links the doctor to the patient's care team.
CARE_TEAM_REASON = "Booked an appointment"

BOOKED = "booked"
CANCELLED = "cancelled"
COMPLETED = "completed"
NO_SHOW = "no_show"
ARRIVED = "arrived"  # checked in by the front desk; still holds its time
STATUS_LABELS = {
    BOOKED: _("Booked"),
    ARRIVED: _("Arrived"),
    CANCELLED: _("Cancelled"),
    COMPLETED: _("Completed"),
    NO_SHOW: _("Missed"),
}
# The statuses whose appointment holds the doctor's time.
HOLDING = (BOOKED, ARRIVED)
# How early before its start the front desk may check a patient in.
ARRIVAL_WINDOW = timedelta(hours=4)

# Why a requested slot cannot be booked.
IN_PAST = "in_past"
TOO_FAR_AHEAD = "too_far_ahead"
NOT_ON_GRID = "not_on_grid"
OUTSIDE_AVAILABILITY = "outside_availability"
TOO_SHORT = "too_short"  # the slot is shorter than the visit type needs
NOT_OFFERED = "not_offered"  # the doctor's specialty does not offer that visit type
WRONG_PLACE = "wrong_place"  # the doctor is elsewhere at that time


class AppointmentNotFound(NotFound):
    """No such appointment, or not the actor's (the same answer)."""


class DoctorNotFound(NotFound):
    """No doctor has that id (or email)."""


class AppointmentExists(DomainError):
    """An appointment with that id is stored already (the same booking sent
    again, or a form whose id another booking took)."""


class DoctorSlotTaken(DomainError):
    """Another appointment holds some of the doctor's time the booking needs."""


class PatientBusy(DomainError):
    """The patient already has an appointment overlapping that time."""


class AvailabilityInvalid(DomainError):
    def __init__(self, problems: list[Problem]):
        super().__init__("availability has problems")
        self.problems = problems


def slot_start_text(moment: datetime) -> str:
    """A slot's start as the booking pages link it (SLOT_START_FORMAT)."""
    return moment.astimezone(UTC).strftime(SLOT_START_FORMAT)


def slot_start_from_text(text: str) -> datetime:
    """A slot's start as the booking pages link it; ValueError for anything else."""
    return datetime.strptime(text, SLOT_START_FORMAT).replace(tzinfo=UTC)


def minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def time_of(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class Break:
    start: time
    end: time


@dataclass(frozen=True)
class WeeklyRule:
    """Hours a doctor works every week on one weekday (0 is Monday)."""

    weekday: int
    start: time
    end: time
    slot_minutes: int
    breaks: tuple[Break, ...] = ()
    location_id: str = ""  # where (appointments.choices); "" where the clinic has one place


@dataclass(frozen=True)
class ExtraHours:
    """Hours on one date besides the weekly ones."""

    day: date
    start: time
    end: time
    slot_minutes: int
    location_id: str = ""


@dataclass(frozen=True)
class Window:
    """Working hours on one local date, cut into slots of one length."""

    start: time
    end: time
    slot_minutes: int
    breaks: tuple[Break, ...] = ()
    location_id: str = ""

    def covers(self, moment: time) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class Availability:
    provider_id: str
    rules: tuple[WeeklyRule, ...] = ()
    days_off: tuple[date, ...] = ()
    extra_hours: tuple[ExtraHours, ...] = ()
    version: int = 0  # 0: never saved
    # The doctor asked to be emailed when a patient books or cancels with them.
    notify_by_email: bool = False

    def windows_on(self, day: date) -> list[Window]:
        """A day off cancels that date's weekly hours; extra hours still count."""
        windows = []
        if day not in self.days_off:
            windows += [
                Window(rule.start, rule.end, rule.slot_minutes, rule.breaks, rule.location_id)
                for rule in self.rules
                if rule.weekday == day.weekday()
            ]
        windows += [
            Window(extra.start, extra.end, extra.slot_minutes, location_id=extra.location_id)
            for extra in self.extra_hours
            if extra.day == day
        ]
        return windows


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    provider_id: str = field(compare=False, default="")
    location_id: str = field(compare=False, default="")

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def start_iso(self) -> str:
        """As the booking pages link it."""
        return slot_start_text(self.start)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


def local_moment(day: date, at: time, zone: tzinfo) -> datetime | None:
    """`at` on `day` in `zone`; None where the clocks skip that time (the hour
    lost when daylight saving starts). A repeated time counts once, first."""
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


def slots_on(availability: Availability, day: date, zone: tzinfo) -> list[Slot]:
    """Every slot the doctor offers on one local date, earliest first."""
    slots = set()
    for window in availability.windows_on(day):
        last_start = minutes_of(window.end) - window.slot_minutes
        for start_minute in range(minutes_of(window.start), last_start + 1, window.slot_minutes):
            end_minute = start_minute + window.slot_minutes
            if any(
                start_minute < minutes_of(pause.end) and minutes_of(pause.start) < end_minute
                for pause in window.breaks
            ):
                continue
            start = local_moment(day, time_of(start_minute), zone)
            if start is None:
                continue
            start = start.astimezone(UTC)
            slots.add(
                Slot(
                    start,
                    start + timedelta(minutes=window.slot_minutes),
                    availability.provider_id,
                    window.location_id,
                )
            )
    return sorted(slots)


def slots_between(availability: Availability, first_day: date, last_day: date, zone: tzinfo) -> list[Slot]:
    days = (first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1))
    return [slot for day in days for slot in slots_on(availability, day, zone)]


def free_slots(slots: list[Slot], taken: list[tuple[datetime, datetime]], *, now: datetime) -> list[Slot]:
    """The slots still in the future that overlap nothing already booked."""
    return [slot for slot in slots if slot.start > now and not any(slot.overlaps(*span) for span in taken)]


def bookable_slots(
    availability: Availability,
    first_day: date,
    last_day: date,
    zone: tzinfo,
    *,
    taken: list[tuple[datetime, datetime]],
    now: datetime,
    horizon: timedelta,
) -> list[Slot]:
    """The slots a patient is offered between two local dates: in the future,
    within the horizon, overlapping nothing booked. The booking page and the
    hours editor's preview both ask this, so the preview is what is offered."""
    slots = [
        slot for slot in slots_between(availability, first_day, last_day, zone) if slot.start <= now + horizon
    ]
    return free_slots(slots, taken, now=now)


def slot_fits(slot: Slot, *, minutes: int = 0, location_id: str = "") -> bool:
    """Whether a slot is long enough for a visit of `minutes` and (when one
    is chosen) at the location chosen."""
    return slot.minutes >= minutes and (not location_id or slot.location_id == location_id)


def inside_change_cutoff(start: datetime, *, now: datetime, cutoff: timedelta) -> bool:
    """Whether a visit starting at `start` is already too close to change or
    cancel online (a booking made now could not be undone by the patient)."""
    return start - now < cutoff


def nearest_slots(slots: list[Slot], wanted: datetime, *, count: int = 5) -> list[Slot]:
    """The `count` slots closest in time to the one that was wanted, in time order."""
    return sorted(sorted(slots, key=lambda slot: abs(slot.start - wanted))[:count])


class SlotRefused(DomainError):
    """The requested time is not a slot that can be booked; `problem` says why."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def slot_starting(
    availability: Availability, start: datetime, zone: tzinfo, *, now: datetime, horizon: timedelta
) -> Slot:
    """The doctor's slot that starts at `start`, or SlotRefused."""
    if start <= now:
        raise SlotRefused(IN_PAST)
    if start > now + horizon:
        raise SlotRefused(TOO_FAR_AHEAD)
    local = start.astimezone(zone)
    for slot in slots_on(availability, local.date(), zone):
        if slot.start == start:
            return slot
    if any(window.covers(local.time()) for window in availability.windows_on(local.date())):
        raise SlotRefused(NOT_ON_GRID)
    raise SlotRefused(OUTSIDE_AVAILABILITY)


def lock_units(start: datetime, end: datetime) -> list[str]:
    """The grid units a booking from `start` to `end` covers, as stored moments."""
    unit = timedelta(minutes=LOCK_UNIT_MINUTES)
    units, moment = [], start
    while moment < end:
        units.append(clock.stamp(moment))
        moment += unit
    return units


def lock_ids(*, provider_id: str, patient_id: str, start: datetime, end: datetime) -> tuple[str, ...]:
    units = lock_units(start, end)
    return tuple(
        [f"{PROVIDER_LOCK_PREFIX}{provider_id}#{unit}" for unit in units]
        + [f"{PATIENT_LOCK_PREFIX}{patient_id}#{unit}" for unit in units]
    )


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    patient_id: str
    provider_id: str
    start: datetime  # UTC
    end: datetime  # UTC
    reason: str
    status: str
    created_at: str
    patient_name: str = ""
    provider_name: str = ""
    lock_ids: tuple[str, ...] = ()
    version: int = 1
    updated_at: str = ""
    cancelled_by: str = ""  # the user id of whoever cancelled
    cancel_reason: str = ""
    # Set when an admin booked it on a time the doctor already had taken:
    # why. It holds the patient's locks only, so the appointment already
    # there keeps the doctor's, and cancelling either leaves the other's alone.
    overbook_reason: str = ""
    # The calendar file's SEQUENCE (RFC 5545): 0 when booked, one more with
    # every move or cancellation, written in the change's own transaction,
    # so a calendar applies the newest file it is sent and ignores older ones.
    sequence: int = 0
    # What kind of visit and where, as they were when it was booked (the
    # place's address and phone go in its emails and calendar files).
    visit_type_id: str = ""
    visit_type_name: str = ""
    telehealth: bool = False
    location_id: str = ""
    location_name: str = ""
    location_address: str = ""
    location_phone: str = ""
    # The doctor's specialty when it was booked: the analytics projector
    # counts bookings by specialty from the stream alone, reading nothing.
    specialty: str = ""

    @property
    def place(self) -> str:
        """Where, as a calendar's LOCATION reads it."""
        return ", ".join(part for part in (self.location_name, self.location_address) if part)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def is_booked(self) -> bool:
        return self.status == BOOKED

    @property
    def is_completed(self) -> bool:
        """The doctor marked it done: it has a visit summary."""
        return self.status == COMPLETED

    @property
    def holds_time(self) -> bool:
        return self.status in HOLDING

    @property
    def overbooked(self) -> bool:
        return bool(self.overbook_reason)

    @property
    def provider_locks(self) -> tuple[str, ...]:
        return tuple(lock for lock in self.lock_ids if lock.startswith(PROVIDER_LOCK_PREFIX))

    @property
    def patient_locks(self) -> tuple[str, ...]:
        return tuple(lock for lock in self.lock_ids if lock.startswith(PATIENT_LOCK_PREFIX))

    @property
    def locks_expire_at(self) -> int:
        """When its locks may go (epoch seconds, DynamoDB's TTL)."""
        return clock.epoch_seconds(self.end + LOCK_GRACE)

    def can_change(self, *, now: datetime, cutoff: timedelta) -> bool:
        """Whether the patient may still cancel or move it themselves."""
        return self.status == BOOKED and self.start - now >= cutoff

    def moved_to(self, slot: Slot, *, at: str) -> Appointment:
        locks = lock_ids(
            provider_id=self.provider_id, patient_id=self.patient_id, start=slot.start, end=slot.end
        )
        # A move takes the new time's locks like any booking: it is overbooked no longer.
        return replace(
            self,
            start=slot.start,
            end=slot.end,
            lock_ids=locks,
            version=self.version + 1,
            updated_at=at,
            overbook_reason="",
            sequence=self.sequence + 1,
        )

    def doctor_may_set(self, status: str, *, now: datetime) -> bool:
        """Whether the doctor may move a booked appointment to `status`: they
        cancel it before it ends, and mark it completed or missed once it has
        started."""
        if status == CANCELLED:
            return self.status == BOOKED and now < self.end
        if self.status == ARRIVED:
            return status == COMPLETED
        return self.status == BOOKED and status in (COMPLETED, NO_SHOW) and now >= self.start

    def frontdesk_may_set(self, status: str, *, now: datetime) -> bool:
        """Whether the front desk may mark a booked appointment arrived (from
        a few hours before its start until it ends) or missed (once started)."""
        if self.status != BOOKED:
            return False
        if status == ARRIVED:
            return self.start - ARRIVAL_WINDOW <= now < self.end
        return status == NO_SHOW and now >= self.start

    def with_status(self, status: str, *, at: str, by: str = "", reason: str = "") -> Appointment:
        return replace(
            self,
            status=status,
            version=self.version + 1,
            updated_at=at,
            cancelled_by=by,
            cancel_reason=reason,
            # A cancellation is sent to calendars; completed or missed is not.
            sequence=self.sequence + 1 if status == CANCELLED else self.sequence,
        )


@dataclass(frozen=True)
class VisitChoice:
    """The kind of visit and the place a patient chose, as the appointment keeps them."""

    visit_type_id: str = ""
    visit_type_name: str = ""
    telehealth: bool = False
    location_id: str = ""
    location_name: str = ""
    location_address: str = ""
    location_phone: str = ""


def new_booking_id() -> str:
    """The id a booking will have, given out with the booking form: sending
    the same form twice then books once."""
    return uuid.uuid4().hex


def new_appointment(
    *,
    appointment_id: str,
    patient_id: str,
    patient_name: str,
    slot: Slot,
    provider_name: str,
    reason: str,
    at: str,
    visit: VisitChoice | None = None,
    specialty: str = "",
) -> Appointment:
    visit = visit or VisitChoice()
    return Appointment(
        appointment_id=appointment_id,
        patient_id=patient_id,
        provider_id=slot.provider_id,
        start=slot.start,
        end=slot.end,
        reason=reason,
        status=BOOKED,
        created_at=at,
        patient_name=patient_name,
        provider_name=provider_name,
        lock_ids=lock_ids(
            provider_id=slot.provider_id, patient_id=patient_id, start=slot.start, end=slot.end
        ),
        visit_type_id=visit.visit_type_id,
        visit_type_name=visit.visit_type_name,
        telehealth=visit.telehealth,
        location_id=visit.location_id,
        location_name=visit.location_name,
        location_address=visit.location_address,
        location_phone=visit.location_phone,
        specialty=specialty,
    )


def as_overbooking(appointment: Appointment, *, reason: str) -> Appointment:
    """The same booking made on top of the one that holds the doctor's time:
    only the patient's locks (the patient still cannot be in two places)."""
    return replace(appointment, lock_ids=appointment.patient_locks, overbook_reason=reason)


@dataclass(frozen=True)
class Changed:
    """An appointment after a change to it, and whether the email about it went."""

    appointment: Appointment
    emailed: bool
    already_done: bool = False


# --- Checking availability a doctor enters --------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with one entry of an availability: which list
    ("rules" or "extra_hours"), its position, the field, and the message."""

    kind: str
    position: int
    field: str
    message: str


def window_problems(
    start: time, end: time, slot_minutes: int, breaks: tuple[Break, ...] = ()
) -> list[tuple[str, str]]:
    """(field, message) for what is wrong with one span of working hours."""
    problems = []
    if end <= start:
        problems.append(("end", "The end time must be after the start time."))
    if not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
        problems.append(
            ("slot_minutes", f"Slots must be between {MIN_SLOT_MINUTES} and {MAX_SLOT_MINUTES} minutes long.")
        )
    elif slot_minutes % LOCK_UNIT_MINUTES:
        problems.append(("slot_minutes", f"Slot lengths go in steps of {LOCK_UNIT_MINUTES} minutes."))
    for moment, name in ((start, "start"), (end, "end")):
        if moment.minute % LOCK_UNIT_MINUTES or moment.second:
            problems.append(
                (name, f"Times go in steps of {LOCK_UNIT_MINUTES} minutes, for example 09:00 or 09:15.")
            )
    if (
        end > start
        and MIN_SLOT_MINUTES <= slot_minutes
        and minutes_of(end) - minutes_of(start) < slot_minutes
    ):
        problems.append(("end", "These hours are shorter than one slot."))
    for pause in breaks:
        if pause.end <= pause.start:
            problems.append(("breaks", "Each break must end after it starts."))
        elif pause.start < start or pause.end > end:
            problems.append(("breaks", "Breaks must fall within the working hours."))
    return problems


def _spans_overlap(first: tuple[time, time], second: tuple[time, time]) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def availability_problems(availability: Availability) -> list[Problem]:
    """Everything wrong with an availability, each tied to its entry and field:
    bad hours, and hours that overlap other hours on the same day."""
    problems = []
    for position, rule in enumerate(availability.rules):
        for name, message in window_problems(rule.start, rule.end, rule.slot_minutes, rule.breaks):
            problems.append(Problem("rules", position, name, message))
    for position, extra in enumerate(availability.extra_hours):
        for name, message in window_problems(extra.start, extra.end, extra.slot_minutes):
            problems.append(Problem("extra_hours", position, name, message))
    for position, rule in enumerate(availability.rules):
        for other in availability.rules[:position]:
            if other.weekday == rule.weekday and _spans_overlap(
                (rule.start, rule.end), (other.start, other.end)
            ):
                problems.append(
                    Problem("rules", position, "start", "These hours overlap other hours on the same day.")
                )
                break
    for position, extra in enumerate(availability.extra_hours):
        same_day = [
            (other.start, other.end)
            for other in availability.extra_hours[:position]
            if other.day == extra.day
        ]
        if extra.day not in availability.days_off:
            same_day += [
                (rule.start, rule.end) for rule in availability.rules if rule.weekday == extra.day.weekday()
            ]
        if any(_spans_overlap((extra.start, extra.end), span) for span in same_day):
            problems.append(
                Problem("extra_hours", position, "start", "These hours overlap other hours on that date.")
            )
    return problems
