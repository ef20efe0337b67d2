"""Doctors (providers) as the clinic lists them. Plain data and rules only.
(The applications that make them doctors: clinicians.applications.domain.)"""

from __future__ import annotations

from dataclasses import dataclass

from medisecure.errors import DomainError

SPECIALTIES = (
    "Cardiology",
    "Dermatology",
    "Endocrinology",
    "Family medicine",
    "Gastroenterology",
    "Internal medicine",
    "Neurology",
    "Obstetrics and gynaecology",
    "Paediatrics",
    "Psychiatry",
)


@dataclass(frozen=True)
class Provider:
    provider_id: str  # the doctor's Cognito sub
    email: str
    given_name: str
    family_name: str
    specialty: str
    licence_number: str = ""
    licence_region: str = ""
    created_at: str = ""

    @property
    def display_name(self) -> str:
        return f"Dr {self.given_name} {self.family_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.family_name.casefold()}#{self.given_name.casefold()}#{self.provider_id}"


class ProviderExists(DomainError):
    """The doctor already has a provider record (its id is their Cognito sub)."""


@dataclass(frozen=True)
class Directory:
    """One page of the clinic's directory: the doctors of one specialty."""

    specialty: str  # "" when none (or an unknown one) was asked for
    providers: list[Provider]
    next_page: str | None
