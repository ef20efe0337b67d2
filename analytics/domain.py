"""What each source item counts: de-identified counters, one per (metric,
ISO week in clinic time, dimension value), and nothing that names or
singles out a person.

Every counter an item stands for is a function of the item alone
(`appointment_cells`, `signup_cells`, `patient_cells`), so a change to an
item moves its counts by the difference between the cells of its old and
new images (`moves`): a booking cancelled leaves "booked" as it was and
adds one "cancelled"; a visit moved to another week leaves the old week
and joins the new one. The rebuild sums the same cells over the stored
items, so it equals the sum of every move streamed.

Two counts depend on a patient's other appointments (whether a booking is
their first): the projector learns that from a marker item it sets once
per patient (`FirstBooking`), and they are counted at the booking's insert
only."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from datetime import date, datetime, timedelta

from medisecure import clinic_time, clock
from medisecure.errors import NotFound

# --- Metrics: one partition each, cells "<ISO week>#<dimension>[#<status>]" ----------

FUNNEL = "funnel"
APPOINTMENTS = "appointments"
BY_SPECIALTY = "specialty"
BY_VISIT_TYPE = "visit-type"
PATIENTS = "patients"
LEAD_TIME = "lead-time"
WEEKDAY = "weekday"
HOUR = "hour"
METRICS = (FUNNEL, APPOINTMENTS, BY_SPECIALTY, BY_VISIT_TYPE, PATIENTS, LEAD_TIME, WEEKDAY, HOUR)
# Not counters: the once-per-patient markers, the dedupe marks of stream
# records and the projector's own progress. No dashboard reads them.
FIRST_BOOKING = "first-booking"
SEEN = "seen"
PROGRESS = "projector"
# The streams projected, as the dedupe marks and the progress items name them.
SIGNUPS, PATIENT_RECORDS, APPOINTMENT_RECORDS = "patient-provisional", "patients", "appointments"

STARTED, CODE_VERIFIED, ACCOUNT_MADE, FIRST_BOOKED = (
    "started",
    "code-verified",
    "account-made",
    "first-booked",
)
FUNNEL_STEPS = (STARTED, CODE_VERIFIED, ACCOUNT_MADE, FIRST_BOOKED)
FUNNEL_LABELS = {
    STARTED: "Sign-up started",
    CODE_VERIFIED: "Email code verified",
    ACCOUNT_MADE: "Account made",
    FIRST_BOOKED: "First appointment booked",
}

BOOKED, CANCELLED, NO_SHOW, COMPLETED = "booked", "cancelled", "no_show", "completed"
STATUSES = (BOOKED, CANCELLED, NO_SHOW, COMPLETED)
STATUS_LABELS = {BOOKED: "Booked", CANCELLED: "Cancelled", NO_SHOW: "Missed", COMPLETED: "Completed"}
# The appointment statuses that end a booking, each counted once beside "booked".
OUTCOMES = {CANCELLED: CANCELLED, NO_SHOW: NO_SHOW, COMPLETED: COMPLETED}
# An arrived patient's visit is still under way: a booking, no outcome yet.
KNOWN_STATUSES = {"booked", "arrived", "cancelled", "no_show", "completed"}

NEW, RETURNING = "new", "returning"
PATIENT_KINDS = (NEW, RETURNING)
PATIENT_LABELS = {NEW: "First booking", RETURNING: "Returning patient"}

LEAD_BANDS = ("0", "1-3", "4-7", "8-14", "15+")
LEAD_LABELS = {"0": "Same day", "1-3": "1–3 days", "4-7": "4–7 days", "8-14": "8–14 days", "15+": "15+ days"}
WEEKDAYS = tuple(str(day) for day in range(1, 8))
WEEKDAY_LABELS = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
)
HOURS = tuple(f"{hour:02d}" for hour in range(24))

# The provisional table's sign-up rows have a status; its ledger and link rows do not.
SIGNUP_STATUSES = {"pending", "proven", "verified"}
CODE_PROVEN = {"proven", "verified"}

WEEKS_SHOWN = 12
WEEKS_AT_MOST = 104


# --- Weeks ---------------------------------------------------------------------------


def iso_week(moment: datetime) -> str:
    """'2026-W09': the ISO week of a moment, in clinic time."""
    return week_of(clinic_time.in_clinic(moment).date())


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def weeks_between(first: date, last: date) -> list[str]:
    """The ISO weeks from `first`'s to `last`'s, in order."""
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(week_of(monday))
        monday += timedelta(weeks=1)
    return weeks


def weeks_ending(today: date, count: int = WEEKS_SHOWN) -> list[str]:
    """The ISO weeks of the `count` weeks up to and including today's."""
    return weeks_between(today - timedelta(weeks=count - 1), today)


# --- What an item counts ---------------------------------------------------------------


def cell(week: str, *parts: str) -> str:
    # Dimension values are the clinic's own lists (specialties, visit
    # types), never free text; "#" would split a cell, so it cannot appear.
    return "#".join((week, *(part.replace("#", " ").strip() or "Other" for part in parts)))


Cell = tuple[str, str]  # (metric, cell)


def _moment(values: dict, attribute: str) -> datetime | None:
    text = values.get(attribute)
    if not text:
        return None
    try:
        return clock.from_stamp(str(text))
    except ValueError:
        return None


def lead_band(booked_at: datetime, start: datetime) -> str:
    days = (clinic_time.in_clinic(start).date() - clinic_time.in_clinic(booked_at).date()).days
    if days <= 0:
        return "0"
    if days <= 3:
        return "1-3"
    if days <= 7:
        return "4-7"
    if days <= 14:
        return "8-14"
    return "15+"


def appointment_cells(values: dict | None) -> list[Cell]:
    """The counters one appointment item stands for: booked (and its
    outcome, if it has one) in its visit's week, overall, by specialty and
    by visit type; its lead time in the week it was booked; and, unless
    cancelled, its weekday and hour in clinic time."""
    if not values or values.get("status") not in KNOWN_STATUSES:
        return []
    start = _moment(values, "scheduledDateTime")
    if start is None:
        return []
    status = str(values["status"])
    statuses = [BOOKED] + ([OUTCOMES[status]] if status in OUTCOMES else [])
    week = iso_week(start)
    specialty = str(values.get("specialty") or "Other")
    visit_type = str(values.get("visitTypeName") or "Other")
    cells: list[Cell] = []
    for each in statuses:
        cells.append((APPOINTMENTS, cell(week, each)))
        cells.append((BY_SPECIALTY, cell(week, specialty, each)))
        cells.append((BY_VISIT_TYPE, cell(week, visit_type, each)))
    booked_at = _moment(values, "createdAt")
    if booked_at is not None:
        cells.append((LEAD_TIME, cell(iso_week(booked_at), lead_band(booked_at, start))))
    if status != CANCELLED:
        local = clinic_time.in_clinic(start)
        cells.append((WEEKDAY, cell(week, str(local.isoweekday()))))
        cells.append((HOUR, cell(week, f"{local.hour:02d}")))
    return cells


def signup_cells(values: dict | None) -> list[Cell]:
    """A sign-up row: started in the week it began and, once its code was
    right, verified in that week too. A sign-up for an address that already
    has an account is no one new, and counts nothing."""
    if not values or values.get("status") not in SIGNUP_STATUSES or values.get("existingAccount"):
        return []
    started = _moment(values, "createdAt")
    if started is None:
        return []
    week = iso_week(started)
    cells = [(FUNNEL, cell(week, STARTED))]
    if values["status"] in CODE_PROVEN:
        cells.append((FUNNEL, cell(week, CODE_VERIFIED)))
    return cells


def patient_cells(values: dict | None) -> list[Cell]:
    """A patient record: an account made in the week it was made."""
    made = _moment(values or {}, "createdAt")
    return [(FUNNEL, cell(iso_week(made), ACCOUNT_MADE))] if made is not None else []


def first_booking_cells(values: dict, *, first: bool) -> list[Cell]:
    """What a new booking counts once it is known whether it is the
    patient's first: the funnel's last step, or a returning patient."""
    booked_at = _moment(values, "createdAt") or _moment(values, "scheduledDateTime")
    if booked_at is None:
        return []
    week = iso_week(booked_at)
    if first:
        return [(FUNNEL, cell(week, FIRST_BOOKED)), (PATIENTS, cell(week, NEW))]
    return [(PATIENTS, cell(week, RETURNING))]


def moves(old: list[Cell], new: list[Cell]) -> dict[Cell, int]:
    """How a change from an item standing for `old` to one standing for
    `new` moves each counter (only the counters that move)."""
    delta = Counter(new)
    delta.subtract(Counter(old))
    return {each: amount for each, amount in delta.items() if amount}


def pseudonym(value: str, key: str) -> str:
    """A keyed one-way name for a patient or appointment id, so a marker
    item cannot be tied back to anyone without the key."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


class UnknownChart(NotFound):
    """No chart has that name."""
