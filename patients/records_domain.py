"""A patient's medical history: entries, their amendments, the chart summary
kept beside them, and emergency access grants. Plain data and rules only.

Entries are never overwritten or deleted. An amendment replaces an entry's
current values and keeps what they were (who changed them, when and why) as
a revision; each entry carries a version, so two doctors amending the same
entry cannot both win."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

NOTE = "note"
DIAGNOSIS = "diagnosis"
MEDICATION = "medication"
ALLERGY = "allergy"
VITALS = "vitals"

# What each kind of entry holds, in the order pages show it.
ENTRY_FIELDS = {
    NOTE: ("subjective", "objective", "assessment", "plan"),
    DIAGNOSIS: ("code", "description", "status", "onset"),
    MEDICATION: ("name", "dose", "frequency", "start", "stop"),
    ALLERGY: ("substance", "reaction", "severity"),
    VITALS: (
        "systolic", "diastolic", "heart_rate", "respiratory_rate", "oxygen_saturation",
        "temperature", "temperature_unit", "weight", "weight_unit",
    ),
}
KIND_LABELS = {
    NOTE: "Visit note",
    DIAGNOSIS: "Diagnosis",
    MEDICATION: "Medication",
    ALLERGY: "Allergy",
    VITALS: "Vitals",
}
FIELD_LABELS = {
    "subjective": "Subjective",
    "objective": "Objective",
    "assessment": "Assessment",
    "plan": "Plan",
    "code": "ICD-10 code",
    "description": "Description",
    "status": "Status",
    "onset": "Onset",
    "name": "Medicine",
    "dose": "Dose",
    "frequency": "How often",
    "start": "Started",
    "stop": "Stopped",
    "substance": "Substance",
    "reaction": "Reaction",
    "severity": "Severity",
    "systolic": "Blood pressure, systolic (mmHg)",
    "diastolic": "Blood pressure, diastolic (mmHg)",
    "heart_rate": "Heart rate (beats per minute)",
    "respiratory_rate": "Breathing rate (breaths per minute)",
    "oxygen_saturation": "Oxygen saturation (%)",
    "temperature": "Temperature",
    "temperature_unit": "Temperature unit",
    "weight": "Weight",
    "weight_unit": "Weight unit",
}

ACTIVE = "active"
RESOLVED = "resolved"
DIAGNOSIS_STATUSES = ((ACTIVE, "Active"), (RESOLVED, "Resolved"))
SEVERITIES = (("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe"), ("unknown", "Not known"))
TEMPERATURE_UNITS = (("C", "°C"), ("F", "°F"))
WEIGHT_UNITS = (("kg", "kg"), ("lb", "lb"))

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
VITAL_MEASURES = ("systolic", "diastolic", "heart_rate", "respiratory_rate", "oxygen_saturation", "temperature", "weight")

RECENT_NOTES_KEPT = 5


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
    if name == "temperature":
        low, high = TEMPERATURE_RANGES.get(unit, (None, None))
    elif name == "weight":
        low, high = WEIGHT_RANGES.get(unit, (None, None))
    else:
        low, high = VITAL_RANGES[name]
    if low is None:
        return "Choose a unit."
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
    recorded_at: str  # ISO UTC
    recorded_by: str  # provider id
    recorded_by_name: str
    values: dict
    version: int = 1
    amended_at: str = ""
    amended_by_name: str = ""

    @property
    def record_key(self) -> str:
        return entry_key(self.entry_id)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def amended(self) -> bool:
        return self.version > 1

    def shown_fields(self) -> list[tuple[str, str]]:
        """(label, value) for each field with a value, units folded in."""
        shown = []
        for name in ENTRY_FIELDS[self.kind]:
            value = self.values.get(name, "")
            if not value or name.endswith("_unit"):
                continue
            unit = self.values.get(f"{name}_unit", "")
            label = FIELD_LABELS[name] if not unit else f"{FIELD_LABELS[name]} ({unit})"
            shown.append((label, value))
        return shown

    @property
    def title(self) -> str:
        v = self.values
        titles = {
            NOTE: lambda: v.get("assessment") or v.get("subjective") or "Visit note",
            DIAGNOSIS: lambda: f"{v.get('code', '')} {v.get('description', '')}".strip(),
            MEDICATION: lambda: " ".join(filter(None, (v.get("name"), v.get("dose"), v.get("frequency")))),
            ALLERGY: lambda: v.get("substance", ""),
            VITALS: lambda: "Vitals",
        }
        return titles[self.kind]()

    def is_current_medication(self, today: date) -> bool:
        stop = self.values.get("stop", "")
        return self.kind == MEDICATION and (not stop or date.fromisoformat(stop) >= today)


def new_entry_id(recorded_at: datetime) -> str:
    """An entry's id starts with when it was recorded, so the history, sorted
    by id, is in time order; the random tail keeps ids unguessable."""
    return f"{recorded_at.strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(8)}"


def entry_key(entry_id: str) -> str:
    return f"entry#{entry_id}"


ENTRY_ID_SHAPE = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{16}$")


def amended_entry(current: Entry, values: dict, *, at: str, by_name: str) -> Entry:
    return replace(current, values=dict(values), version=current.version + 1, amended_at=at, amended_by_name=by_name)


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

    def shown_fields(self) -> list[tuple[str, str]]:
        return Entry("", self.entry_id, self.kind, "", "", "", self.values).shown_fields()


class EntryConflict(Exception):
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

    def of_kind(self, kind: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind == kind]

    @property
    def allergies(self) -> list[Entry]:
        return self.of_kind(ALLERGY)

    @property
    def active_problems(self) -> list[Entry]:
        return [entry for entry in self.of_kind(DIAGNOSIS) if entry.values.get("status") == ACTIVE]

    @property
    def resolved_problems(self) -> list[Entry]:
        return [entry for entry in self.of_kind(DIAGNOSIS) if entry.values.get("status") != ACTIVE]

    def current_medications(self, today: date) -> list[Entry]:
        return [entry for entry in self.of_kind(MEDICATION) if entry.is_current_medication(today)]

    def past_medications(self, today: date) -> list[Entry]:
        return [entry for entry in self.of_kind(MEDICATION) if not entry.is_current_medication(today)]

    def with_entry(self, entry: Entry) -> ChartSummary:
        """This summary with `entry` added or replaced by its newer version."""
        if entry.kind == VITALS:
            latest = self.latest_vitals
            keep = latest if latest and latest.record_key > entry.record_key else entry
            return replace(self, latest_vitals=keep, version=self.version + 1)
        if entry.kind == NOTE:
            others = [note for note in self.recent_notes if note.entry_id != entry.entry_id]
            notes = sorted([*others, entry], key=lambda note: note.record_key, reverse=True)[:RECENT_NOTES_KEPT]
            return replace(self, recent_notes=tuple(notes), version=self.version + 1)
        others = [kept for kept in self.entries if kept.entry_id != entry.entry_id]
        ordered = sorted([*others, entry], key=lambda kept: kept.record_key, reverse=True)
        return replace(self, entries=tuple(ordered), version=self.version + 1)


@dataclass(frozen=True)
class UpcomingAppointment:
    provider_id: str
    scheduled_at: str  # ISO, as the appointments app stores it
    duration_minutes: int = 0

    @property
    def shown_time(self) -> str:
        return self.scheduled_at[:16].replace("T", " ")


@dataclass(frozen=True)
class DocumentInfo:
    document_id: str
    filename: str
    content_type: str
    uploaded_at: str


# --- Emergency access ----------------------------------------------------------


@dataclass(frozen=True)
class EmergencyGrant:
    """A doctor's time-limited access to a patient outside their care team."""

    patient_id: str
    provider_id: str
    provider_name: str
    granted_at: str  # ISO UTC
    expires_at: int  # epoch seconds
    reason: str

    def is_live(self, now: int) -> bool:
        return now < self.expires_at

    @property
    def ends(self) -> str:
        """When it ends, as pages show it (UTC)."""
        return datetime.fromtimestamp(self.expires_at, timezone.utc).strftime("%Y-%m-%d %H:%M")


def name_birth_key(given_name: str, family_name: str, date_of_birth: str) -> str:
    """How the NameBirthIndex finds a patient: the exact name (letter case
    and surrounding spaces aside) and date of birth."""
    return f"{family_name.strip().casefold()}#{given_name.strip().casefold()}#{date_of_birth}"
