"""A patient's medical history: entries, their amendments, the chart summary
kept beside them, and what a doctor opening the chart is given. Plain data
and rules only.

Entries are never overwritten or deleted. An amendment replaces an entry's
current values and keeps what they were (who changed them, when and why) as
a revision; each entry carries a version, so two doctors amending the same
entry cannot both win."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from appointments.domain import Appointment
from audit.domain import ChainHead
from clinicians.domain import Provider
from medisecure.errors import ConcurrentUpdate, DomainError, Forbidden, NotFound
from patients.care_team.domain import CareTeamMember
from patients.domain import Patient
from patients.emergency.domain import EmergencyGrant
from patients.records.results import SITE_LABELS, Review

NOTE = "note"
DIAGNOSIS = "diagnosis"
MEDICATION = "medication"
ALLERGY = "allergy"
VITALS = "vitals"
RESULT = "result"
IMMUNIZATION = "immunization"

# What each kind of entry holds, in the order pages show it.
ENTRY_FIELDS = {
    NOTE: ("subjective", "objective", "assessment", "plan", "follow_up"),
    DIAGNOSIS: ("code", "description", "status", "onset"),
    MEDICATION: ("name", "dose", "frequency", "start", "stop"),
    ALLERGY: ("substance", "reaction", "severity"),
    VITALS: (
        "systolic",
        "diastolic",
        "heart_rate",
        "respiratory_rate",
        "oxygen_saturation",
        "temperature",
        "temperature_unit",
        "weight",
        "weight_unit",
        "height",
        "height_unit",
        "bmi",
    ),
    RESULT: (
        "test_name",
        "loinc",
        "value",
        "unit",
        "range_low",
        "range_high",
        "critical_low",
        "critical_high",
        "flag",
        "collected",
        "report_reference",
        "report_name",
    ),
    IMMUNIZATION: ("vaccine", "cvx", "given", "lot", "site"),
}
KIND_LABELS = {
    NOTE: _("Visit note"),
    DIAGNOSIS: _("Diagnosis"),
    MEDICATION: _("Medication"),
    ALLERGY: _("Allergy"),
    VITALS: _("Vitals"),
    RESULT: _("Lab result"),
    IMMUNIZATION: _("Immunization"),
}
# Each kind's heading where a list of them is shown (a PDF's section, a page).
KIND_PLURALS = {
    NOTE: _("Visit notes"),
    DIAGNOSIS: _("Diagnoses"),
    MEDICATION: _("Medications"),
    ALLERGY: _("Allergies"),
    VITALS: _("Vitals"),
    RESULT: _("Lab results"),
    IMMUNIZATION: _("Immunizations"),
}
FIELD_LABELS = {
    "subjective": _("Subjective"),
    "objective": _("Objective"),
    "assessment": _("Assessment"),
    "plan": _("Plan"),
    "follow_up": _("Follow-up"),
    "code": _("ICD-10 code"),
    "description": _("Description"),
    "status": _("Status"),
    "onset": _("Onset"),
    "name": _("Medicine"),
    "dose": _("Dose"),
    "frequency": _("How often"),
    "start": _("Started"),
    "stop": _("Stopped"),
    "substance": _("Substance"),
    "reaction": _("Reaction"),
    "severity": _("Severity"),
    "systolic": _("Blood pressure, systolic (mmHg)"),
    "diastolic": _("Blood pressure, diastolic (mmHg)"),
    "heart_rate": _("Heart rate (beats per minute)"),
    "respiratory_rate": _("Breathing rate (breaths per minute)"),
    "oxygen_saturation": _("Oxygen saturation (%)"),
    "temperature": _("Temperature"),
    "temperature_unit": _("Temperature unit"),
    "weight": _("Weight"),
    "weight_unit": _("Weight unit"),
    "height": _("Height"),
    "height_unit": _("Height unit"),
    "bmi": _("Body mass index (BMI)"),
    "test_name": _("Test"),
    "loinc": _("LOINC code"),
    "value": _("Value"),
    "unit": _("Unit"),
    "range_low": _("Usual range from"),
    "range_high": _("Usual range to"),
    "critical_low": _("Critical below"),
    "critical_high": _("Critical above"),
    "flag": _("Flag"),
    "collected": _("Collected"),
    "report_reference": _("Attached report"),
    "report_name": _("Attached report"),
    "vaccine": _("Vaccine"),
    "cvx": _("CVX code"),
    "given": _("Given on"),
    "lot": _("Lot number"),
    "site": _("Site"),
}

ACTIVE = "active"
RESOLVED = "resolved"
DIAGNOSIS_STATUSES = ((ACTIVE, _("Active")), (RESOLVED, _("Resolved")))
SEVERITIES = (("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe"), ("unknown", "Not known"))
TEMPERATURE_UNITS = (("C", "°C"), ("F", "°F"))
WEIGHT_UNITS = (("kg", "kg"), ("lb", "lb"))
HEIGHT_UNITS = (("cm", "cm"), ("in", "in"))

# ICD-10(-CM) shape: a letter, two characters (digits, or A/B as in C4A),
# then optionally a dot and up to four more. "U" is reserved by WHO but used
# (U07.1), so it is allowed.
ICD10_SHAPE = re.compile(r"^[A-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$")

# Plausible ranges for a living person, inclusive, per unit.
VITAL_RANGES = {
    "systolic": (Decimal(40), Decimal(300)),
    "diastolic": (Decimal(20), Decimal(200)),
    "heart_rate": (Decimal(20), Decimal(300)),
    "respiratory_rate": (Decimal(4), Decimal(80)),
    "oxygen_saturation": (Decimal(50), Decimal(100)),
}
TEMPERATURE_RANGES = {"C": (Decimal(25), Decimal(45)), "F": (Decimal(77), Decimal(113))}
WEIGHT_RANGES = {"kg": (Decimal("0.2"), Decimal(650)), "lb": (Decimal("0.5"), Decimal(1430))}
HEIGHT_RANGES = {"cm": (Decimal(20), Decimal(275)), "in": (Decimal(8), Decimal(108))}
VITAL_MEASURES = (
    "systolic",
    "diastolic",
    "heart_rate",
    "respiratory_rate",
    "oxygen_saturation",
    "temperature",
    "weight",
    "height",
)

RECENT_NOTES_KEPT = 5
# The chart's first screen keeps this many of the latest results, and this
# many vitals readings for the trends (the full history pages through them).
RECENT_RESULTS_KEPT = 10
VITALS_SERIES_KEPT = 30


def icd10_shape_ok(code: str) -> bool:
    return bool(ICD10_SHAPE.match(code))


def vital_problem(name: str, value: str, unit: str = "") -> str | None:
    """Why `value` cannot be this measurement, or None if it can."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return "Enter a number."
    if not number.is_finite():
        return "Enter a number."
    bounds: tuple[Decimal, Decimal] | None
    if name == "temperature":
        bounds = TEMPERATURE_RANGES.get(unit)
    elif name == "weight":
        bounds = WEIGHT_RANGES.get(unit)
    elif name == "height":
        bounds = HEIGHT_RANGES.get(unit)
    else:
        bounds = VITAL_RANGES[name]
    if bounds is None:
        return "Choose a unit."
    low, high = bounds
    if not low <= number <= high:
        shown = f" {unit}" if unit else ""
        return f"That cannot be right for a person: enter a value from {low} to {high}{shown}."
    return None


@dataclass(frozen=True)
class Entry:
    """One entry in a patient's history, as it reads now."""

    patient_id: str
    entry_id: str
    kind: str
    recorded_at: str  # clock.stamp
    recorded_by: str  # provider id
    recorded_by_name: str
    values: dict
    version: int = 1
    amended_at: str = ""
    amended_by_name: str = ""
    # Written (or last amended) under an emergency grant: the second reason
    # the doctor gave for writing, which marks the entry as such.
    emergency_reason: str = ""

    @property
    def under_emergency(self) -> bool:
        return bool(self.emergency_reason)

    @property
    def record_key(self) -> str:
        return entry_key(self.entry_id)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def amended(self) -> bool:
        return self.version > 1

    def shown_fields(self) -> list[tuple[str, str | date]]:
        """(label, value) for each field with a value, units folded in.
        Dates come back as dates, so a page or a PDF shows them in the
        clinic's words (medisecure.clinic_time), never as ISO strings."""
        return shown_fields(self.kind, self.values)

    @property
    def title(self) -> str:
        v = self.values
        titles = {
            NOTE: lambda: v.get("assessment") or v.get("subjective") or _("Visit note"),
            DIAGNOSIS: lambda: f"{v.get('code', '')} {v.get('description', '')}".strip(),
            MEDICATION: lambda: " ".join(filter(None, (v.get("name"), v.get("dose"), v.get("frequency")))),
            ALLERGY: lambda: v.get("substance", ""),
            VITALS: lambda: _("Vitals"),
            RESULT: lambda: v.get("test_name", _("Lab result")),
            IMMUNIZATION: lambda: v.get("vaccine", _("Immunization")),
        }
        return titles[self.kind]()

    def is_current_medication(self, today: date) -> bool:
        stop = self.values.get("stop", "")
        return self.kind == MEDICATION and (not stop or date.fromisoformat(stop) >= today)


# Fields holding a calendar date (ISO in storage), shown as dates.
DATE_FIELDS = frozenset({"onset", "start", "stop", "collected", "given"})
# Fields a page shows in words of their own rather than field by field.
FOLDED_FIELDS = {
    VITALS: frozenset({"systolic", "diastolic"}),
    RESULT: frozenset(
        {
            "value",
            "unit",
            "range_low",
            "range_high",
            "critical_low",
            "critical_high",
            "flag",
            "report_reference",
        }
    ),
}
FLAG_LABELS = {"low": _("Low"), "normal": _("Normal"), "high": _("High"), "critical": _("Critical")}


def shown_fields(kind: str, values: dict) -> list[tuple[str, str | date]]:
    shown: list[tuple[str, str | date]] = []
    if kind == VITALS and values.get("systolic"):
        shown.append((str(_("Blood pressure (mmHg)")), f"{values['systolic']}/{values.get('diastolic', '')}"))
    if kind == RESULT:
        unit = values.get("unit", "")
        shown.append((str(_("Value")), f"{values.get('value', '')} {unit}".strip()))
        shown.append(
            (
                str(_("Usual range")),
                range_text(values.get("range_low", ""), values.get("range_high", ""), unit),
            )
        )
        critical = critical_text(values.get("critical_low", ""), values.get("critical_high", ""), unit)
        if critical:
            shown.append((str(_("Critical limits")), critical))
        if values.get("flag"):
            shown.append((str(_("Flag")), str(FLAG_LABELS.get(values["flag"], values["flag"]))))
    folded = FOLDED_FIELDS.get(kind, frozenset())
    for name in ENTRY_FIELDS[kind]:
        value = values.get(name, "")
        if not value or name.endswith("_unit") or name in folded:
            continue
        if name in DATE_FIELDS:
            shown.append((str(FIELD_LABELS[name]), _as_date(value)))
            continue
        if kind == IMMUNIZATION and name == "site":
            value = str(SITE_LABELS.get(value, value))
        unit = values.get(f"{name}_unit", "")
        label = str(FIELD_LABELS[name]) if not unit else f"{FIELD_LABELS[name]} ({unit})"
        shown.append((label, value))
    return shown


def _as_date(value: str) -> str | date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return value


def range_text(low: str, high: str, unit: str = "") -> str:
    """A reference range in words: "3.5 to 5.0 mmol/L", "below 200 mg/dL"."""
    shown_unit = f" {unit}" if unit else ""
    if low and high:
        return _("%(low)s to %(high)s%(unit)s") % {"low": low, "high": high, "unit": shown_unit}
    if high:
        return _("up to %(high)s%(unit)s") % {"high": high, "unit": shown_unit}
    if low:
        return _("%(low)s%(unit)s or more") % {"low": low, "unit": shown_unit}
    return str(_("Not given"))


def critical_text(low: str, high: str, unit: str = "") -> str:
    shown_unit = f" {unit}" if unit else ""
    parts = [
        _("below %(low)s%(unit)s") % {"low": low, "unit": shown_unit} if low else "",
        _("above %(high)s%(unit)s") % {"high": high, "unit": shown_unit} if high else "",
    ]
    return str(_(" or ")).join(part for part in parts if part)


def new_entry_id(recorded_at: str) -> str:
    """An entry's id starts with when it was recorded (its `recorded_at`
    stamp without the punctuation: 20261130T002622123456), so the history,
    sorted by id, is in time order; the random tail keeps ids unguessable."""
    return f"{_compact(recorded_at)}-{secrets.token_hex(8)}"


def _compact(stamp: str) -> str:
    return stamp.removesuffix("Z").replace("-", "").replace(":", "").replace(".", "")


def entry_key_bound(stamp: str) -> str:
    """The sort key every entry recorded at or after `stamp` (a clock.stamp)
    sorts after, and every one recorded before it sorts before: ids start
    with their time, so a span of time is a span of keys."""
    return entry_key(_compact(stamp))


def entry_key(entry_id: str) -> str:
    return f"entry#{entry_id}"


ENTRY_ID_SHAPE = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{16}$")


def amended_entry(
    current: Entry, values: dict, *, at: str, by_name: str, emergency_reason: str = ""
) -> Entry:
    return replace(
        current,
        values=dict(values),
        version=current.version + 1,
        amended_at=at,
        amended_by_name=by_name,
        emergency_reason=emergency_reason,
    )


@dataclass(frozen=True)
class Revision:
    """What an entry said before one amendment, and who amended it, when and why."""

    entry_id: str
    superseded_version: int
    values: dict
    replaced_at: str
    replaced_by: str
    replaced_by_name: str
    reason: str
    kind: str

    def shown_fields(self) -> list[tuple[str, str | date]]:
        return shown_fields(self.kind, self.values)


@dataclass(frozen=True)
class Addendum:
    """A note another doctor (or the author) adds under an entry: its own
    author, time and text. Kept forever: never amended, never removed."""

    patient_id: str
    entry_id: str
    addendum_id: str
    added_at: str  # clock.stamp
    added_by: str  # provider id
    added_by_name: str
    text: str
    emergency_reason: str = ""  # the second reason, when written under an emergency grant

    @property
    def under_emergency(self) -> bool:
        return bool(self.emergency_reason)


def new_addendum_id(added_at: str) -> str:
    """Like an entry's id: time first (so an entry's addenda sort oldest
    first), a random tail."""
    return new_entry_id(added_at)


class NotTheAuthor(Forbidden):
    """Only the doctor who recorded an entry may amend it; anyone else adds
    an addendum."""


class EntryConflict(ConcurrentUpdate):
    """Someone amended the entry after this person opened it; nothing was
    saved. Carries the entry as it is now."""

    def __init__(self, current: Entry):
        super().__init__(current.entry_id)
        self.current = current


@dataclass(frozen=True)
class ChartSummary:
    """What the chart's first screen shows, kept up to date by every write
    in the same transaction, so the chart reads it in one item: the current
    allergies, diagnoses and medications, the latest vitals and the most
    recent visit notes."""

    patient_id: str
    version: int = 0  # 0: no entry written yet
    entries: tuple[Entry, ...] = field(default_factory=tuple)  # allergies, diagnoses, medications
    latest_vitals: Entry | None = None
    recent_notes: tuple[Entry, ...] = field(default_factory=tuple)
    recent_results: tuple[Entry, ...] = field(default_factory=tuple)  # newest first
    vitals_series: tuple[Entry, ...] = field(default_factory=tuple)  # newest first

    def of_kind(self, kind: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind == kind]

    @property
    def allergies(self) -> list[Entry]:
        return self.of_kind(ALLERGY)

    @property
    def active_problems(self) -> list[Entry]:
        return [entry for entry in self.of_kind(DIAGNOSIS) if entry.values.get("status") == ACTIVE]

    def current_medications(self, today: date) -> list[Entry]:
        return [entry for entry in self.of_kind(MEDICATION) if entry.is_current_medication(today)]

    @property
    def immunizations(self) -> list[Entry]:
        return sorted(
            self.of_kind(IMMUNIZATION), key=lambda entry: entry.values.get("given", ""), reverse=True
        )

    def with_entry(self, entry: Entry) -> ChartSummary:
        """This summary with `entry` added or replaced by its newer version."""
        if entry.kind == VITALS:
            latest = self.latest_vitals
            keep = latest if latest and latest.record_key > entry.record_key else entry
            series = _newest(self.vitals_series, entry, VITALS_SERIES_KEPT)
            return replace(self, latest_vitals=keep, vitals_series=series, version=self.version + 1)
        if entry.kind == RESULT:
            results = _newest(self.recent_results, entry, RECENT_RESULTS_KEPT)
            return replace(self, recent_results=results, version=self.version + 1)
        if entry.kind == NOTE:
            others = [note for note in self.recent_notes if note.entry_id != entry.entry_id]
            notes = sorted([*others, entry], key=lambda note: note.record_key, reverse=True)[
                :RECENT_NOTES_KEPT
            ]
            return replace(self, recent_notes=tuple(notes), version=self.version + 1)
        others = [kept for kept in self.entries if kept.entry_id != entry.entry_id]
        ordered = sorted([*others, entry], key=lambda kept: kept.record_key, reverse=True)
        return replace(self, entries=tuple(ordered), version=self.version + 1)


def _newest(kept: tuple[Entry, ...], entry: Entry, limit: int) -> tuple[Entry, ...]:
    """`kept` with `entry` added or replaced, newest first, at most `limit`."""
    others = [one for one in kept if one.entry_id != entry.entry_id]
    return tuple(sorted([*others, entry], key=lambda one: one.record_key, reverse=True)[:limit])


@dataclass(frozen=True)
class UpcomingAppointment:
    """A booked appointment as the chart lists it."""

    provider_id: str
    start: datetime  # aware; pages show it in clinic time
    duration_minutes: int
    provider_name: str

    @classmethod
    def of(cls, appointment: Appointment) -> UpcomingAppointment:
        return cls(
            provider_id=appointment.provider_id,
            start=appointment.start,
            duration_minutes=max(0, int((appointment.end - appointment.start).total_seconds() // 60)),
            provider_name=appointment.provider_name,
        )


# --- Opening a chart -------------------------------------------------------------

CARE_TEAM = "care_team"
EMERGENCY = "emergency"


def relationship(*, in_care_team: bool, grant: EmergencyGrant | None, now: int) -> str | None:
    """How a doctor may see a patient's chart: through the care team, through
    a live emergency grant, or not at all (None)."""
    if in_care_team:
        return CARE_TEAM
    if grant is not None and grant.is_live(now):
        return EMERGENCY
    return None


@dataclass(frozen=True)
class ChartAccess:
    """A chart the actor may open: the patient, how the actor may see it
    (CARE_TEAM or EMERGENCY, with the grant), the chart summary, the audit
    chain head to record the read on, and the entry asked for, if any."""

    patient: Patient
    via: str
    grant: EmergencyGrant | None
    summary: ChartSummary
    head: ChainHead
    entry: Entry | None = None
    clinician: Provider | None = None  # the actor's provider record
    # For a lab result asked for: whether it waits for review, and the last review.
    review_pending: bool = False
    last_review: Review | None = None

    @property
    def patient_id(self) -> str:
        return self.patient.patient_id

    @property
    def audit_detail(self) -> dict:
        return {"access": self.via}

    @property
    def clinician_name(self) -> str:
        return self.clinician.display_name if self.clinician else "A clinician"


class ChartNotFound(NotFound):
    """No chart the actor may open: no such patient, no relationship with
    them, or no such entry in their history (the three answer alike)."""


class ChartForbidden(Forbidden):
    """Charts are opened by doctors only."""


class SummaryMoved(ConcurrentUpdate):
    """The chart summary changed after it was read (another entry landed)."""


class EntryMoved(ConcurrentUpdate):
    """The entry was amended after it was read; nothing was saved."""


class EntryIdTaken(DomainError):
    """An entry with the new entry's id is already there (ids are random:
    in practice, never)."""


class ChartBusy(ConcurrentUpdate):
    """The chart kept changing under this write; nothing was saved."""


class NothingToAmend(DomainError):
    """The amendment changes no value."""


class KindMismatch(DomainError):
    """The amendment was checked as another kind of entry than the entry is."""


# --- What the chart's pages are given ----------------------------------------------


@dataclass(frozen=True)
class Chart:
    access: ChartAccess
    upcoming: list[UpcomingAppointment]


@dataclass(frozen=True)
class ChartHistory:
    access: ChartAccess
    entries: list[Entry]
    next_page: str | None


@dataclass(frozen=True)
class EntryWithHistory:
    access: ChartAccess
    entry: Entry
    revisions: list[Revision]
    addenda: list[Addendum] = field(default_factory=list)  # oldest first
    reader_id: str = ""  # who is reading: the page offers amending to the author only

    @property
    def may_amend(self) -> bool:
        """Only the entry's author may amend it."""
        return bool(self.reader_id) and self.entry.recorded_by == self.reader_id


@dataclass(frozen=True)
class ChartPatients:
    """One page of the doctor's care-team patients."""

    search: str
    members: list[CareTeamMember]
    next_page: str | None


# --- The patient's own record ----------------------------------------------------


class NoPatientRecord(NotFound):
    """The signed-in patient has no patient record yet."""


@dataclass(frozen=True)
class OwnResults:
    """One page of the patient's lab results: (result, new to them)."""

    results: list[tuple[Entry, bool]]
    next_page: str | None


@dataclass(frozen=True)
class OwnRecord:
    patient: Patient
    summary: ChartSummary
    entries: list[Entry]
    next_page: str | None
