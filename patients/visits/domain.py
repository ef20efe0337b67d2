"""A completed visit's summary, as the patient takes it home: the visit
note's assessment, plan and follow-up, the vitals taken, and the medicines
started or stopped. Plain data and rules only.

Entries carry no appointment id: a visit's records are those its doctor
recorded on the visit's day (in the clinic's time zone), which is how the
chart is written during and just after a visit; medicines count where
their start or stop date is that day, whoever changed them (a medicine
stopped by amending its entry keeps its first day's id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from appointments.domain import Appointment
from medisecure.errors import NotFound
from medisecure.letterhead import Letterhead
from patients.domain import Patient
from patients.records.domain import MEDICATION, NOTE, VITALS, ChartSummary, Entry


class VisitSummaryNotFound(NotFound):
    """No such appointment, not the actor's, or not completed (the same
    answer: a summary exists only once the doctor marked the visit done)."""


@dataclass(frozen=True)
class VisitSummary:
    appointment: Appointment
    patient: Patient | None
    day: date  # the visit's day in the clinic's time zone
    letterhead: Letterhead
    notes: list[Entry]  # oldest first
    vitals: list[Entry]  # oldest first
    medications_started: list[Entry]
    medications_stopped: list[Entry]

    @property
    def follow_ups(self) -> list[str]:
        return [note.values["follow_up"] for note in self.notes if note.values.get("follow_up")]

    @property
    def entry_ids(self) -> list[str]:
        """What the summary shows, for its audit event (ids only)."""
        shown = [*self.notes, *self.vitals, *self.medications_started, *self.medications_stopped]
        return sorted({entry.entry_id for entry in shown})


def visit_summary_of(
    *,
    appointment: Appointment,
    patient: Patient | None,
    day: date,
    letterhead: Letterhead,
    day_entries: list[Entry],
    chart: ChartSummary,
) -> VisitSummary:
    """The summary of `appointment`, from the entries recorded on its day
    and the chart's medicines."""
    by_doctor = [entry for entry in day_entries if entry.recorded_by == appointment.provider_id]
    on_the_day = day.isoformat()
    medicines = chart.of_kind(MEDICATION)
    # A medicine written down at the visit without a start date began then.
    undated = {
        entry.entry_id for entry in by_doctor if entry.kind == MEDICATION and not entry.values.get("start")
    }
    return VisitSummary(
        appointment=appointment,
        patient=patient,
        day=day,
        letterhead=letterhead,
        notes=[entry for entry in by_doctor if entry.kind == NOTE],
        vitals=[entry for entry in by_doctor if entry.kind == VITALS],
        medications_started=sorted(
            (
                entry
                for entry in medicines
                if entry.values.get("start") == on_the_day
                or (entry.entry_id in undated and not entry.values.get("start"))
            ),
            key=lambda entry: entry.record_key,
        ),
        medications_stopped=sorted(
            (entry for entry in medicines if entry.values.get("stop") == on_the_day),
            key=lambda entry: entry.record_key,
        ),
    )
