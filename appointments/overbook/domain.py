"""What an admin's overbooking answers with, and why it may refuse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from appointments.domain import Appointment
from medisecure.errors import DomainError, Forbidden, NotFound


class OverbookRefused(Forbidden):
    """Only an admin overbooks."""


class PatientNotFound(NotFound):
    """No patient record has that email."""


class SlotNotOffered(DomainError):
    """The time is not one of the doctor's slots (`problem` as SlotRefused's);
    `offered` are the start times (clinic time) the doctor has that day."""

    def __init__(self, problem: str, offered: list[time]):
        super().__init__(problem)
        self.problem = problem
        self.offered = offered


class BookingIdReused(DomainError):
    """The form's appointment id names another booking: a stale or forged form."""


@dataclass(frozen=True)
class Overbooked:
    appointment: Appointment  # `overbooked` is False when the time turned out to be free
    patient_name: str
    emailed: bool
