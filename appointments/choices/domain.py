"""What a patient chooses besides the doctor and the time: the kind of visit
(a name, a length, whether it is by video, which specialties offer it) and
the place (a name, address, phone and opening hours). The clinic's admins
keep both in the Django admin; they are stored in DynamoDB. Plain data and
rules only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from medisecure.errors import DomainError, NotFound

# Every choice is kept in one partition, its id prefixed by its kind, so
# one Query reads them all (a clinic has a handful of each).
PARTITION = "clinic"
VISIT_TYPE = "visit_type"
LOCATION = "location"
# One marker per doctor with hours, under their specialty: the booking page
# lists a specialty only where someone can be booked.
BOOKABLE = "bookable"
TOO_SHORT = "too_short"


class ChoiceNotFound(NotFound):
    """No visit type or location has that id."""


class ChoiceRefused(DomainError):
    """A visit type or location that breaks a rule; `problems` are (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("choice refused")
        self.problems = problems


@dataclass(frozen=True)
class VisitType:
    visit_type_id: str
    name: str
    minutes: int
    telehealth: bool = False
    specialties: tuple[str, ...] = ()
    version: int = 0  # 0: never saved

    def offered_in(self, specialty: str) -> bool:
        return specialty in self.specialties


@dataclass(frozen=True)
class Location:
    location_id: str
    name: str
    address: str
    phone: str
    opening_hours: str = ""
    version: int = 0

    @property
    def label(self) -> str:
        return f"{self.name}, {self.address}" if self.address else self.name


@dataclass(frozen=True)
class ClinicChoices:
    visit_types: tuple[VisitType, ...] = ()
    locations: tuple[Location, ...] = ()
    bookable_specialties: frozenset[str] = frozenset()

    def visit_types_in(self, specialty: str) -> list[VisitType]:
        return [visit_type for visit_type in self.visit_types if visit_type.offered_in(specialty)]

    def visit_type(self, visit_type_id: str) -> VisitType | None:
        return next((v for v in self.visit_types if v.visit_type_id == visit_type_id), None)

    def location(self, location_id: str) -> Location | None:
        return next((loc for loc in self.locations if loc.location_id == location_id), None)


def new_choice_id() -> str:
    return uuid.uuid4().hex


def visit_type_problems(visit_type: VisitType, *, specialties: tuple[str, ...]) -> list[tuple[str, str]]:
    problems = []
    if not visit_type.name.strip():
        problems.append(("name", "Give the visit type a name."))
    if not 10 <= visit_type.minutes <= 240 or visit_type.minutes % 5:
        problems.append(("minutes", "A visit lasts 10 to 240 minutes, in steps of 5."))
    if not visit_type.specialties:
        problems.append(("specialties", "Choose at least one specialty that offers it."))
    if any(specialty not in specialties for specialty in visit_type.specialties):
        problems.append(("specialties", "Choose specialties from the list."))
    return problems


def location_problems(location: Location) -> list[tuple[str, str]]:
    problems = []
    for name, label in (("name", "a name"), ("address", "an address"), ("phone", "a phone number")):
        if not getattr(location, name).strip():
            problems.append((name, f"Give the location {label}."))
    return problems
