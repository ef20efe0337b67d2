"""The patient's home: what is next (their appointments), what is new
(unread messages, results they have not opened) and what they could do
(open tasks). Plain data only."""

from __future__ import annotations

from dataclasses import dataclass

from appointments.domain import Appointment
from patients.domain import Patient
from patients.records.results import ResultNotice

DETAILS = "details"
EMERGENCY_CONTACT = "emergency_contact"


@dataclass(frozen=True)
class Task:
    """Something the patient could do now, and the page where they do it."""

    kind: str  # DETAILS, EMERGENCY_CONTACT
    appointment: Appointment | None = None  # the visit it is for, if any


@dataclass(frozen=True)
class PatientHome:
    patient: Patient | None
    appointments: list[Appointment]  # booked, soonest first
    unread_messages: int
    new_results: list[ResultNotice]  # newest first
    tasks: list[Task]


def tasks_for(patient: Patient, appointments: list[Appointment]) -> list[Task]:
    """Before a visit, check your details; without an emergency contact, add one."""
    tasks = []
    if appointments:
        tasks.append(Task(kind=DETAILS, appointment=appointments[0]))
    if not patient.emergency_contact_name:
        tasks.append(Task(kind=EMERGENCY_CONTACT))
    return tasks
