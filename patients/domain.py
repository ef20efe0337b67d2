"""Patients and who may see them. Plain data and rules only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Patient:
    patient_id: str  # the patient's Cognito sub
    email: str
    given_name: str
    family_name: str
    date_of_birth: str  # ISO date
    phone: str = ""
    created_at: str = ""
    version: int = 1

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def birth_date(self) -> date | None:
        return date.fromisoformat(self.date_of_birth) if self.date_of_birth else None

    @property
    def sort_name(self) -> str:
        """Orders a doctor's patient list by family name, then given name."""
        return f"{self.family_name.casefold()}#{self.given_name.casefold()}#{self.patient_id}"


@dataclass(frozen=True)
class CareTeamMember:
    """A doctor's standing relationship with a patient: what lets them open
    the chart."""

    patient_id: str
    provider_id: str
    patient_name: str
    since: str
    reason: str
