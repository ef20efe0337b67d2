"""Reads of the clinic's visit types and locations (no PHI), and of which
specialties have a doctor who can be booked."""

from __future__ import annotations

from appointments.choices import repository
from appointments.choices.domain import ChoiceNotFound, ClinicChoices, Location, VisitType
from medisecure import dynamo


def choices_get() -> ClinicChoices:
    """Every visit type (shortest first), location (by name) and which
    specialties have a doctor with hours: one Query."""
    return repository.choices_all()


def locations_list() -> list[Location]:
    return list(repository.choices_all().locations)


def visit_type_read(*, visit_type_id: str) -> dynamo.ItemRead[VisitType | None]:
    return repository.visit_type_read(visit_type_id)


def location_read(*, location_id: str) -> dynamo.ItemRead[Location | None]:
    return repository.location_read(location_id)


def visit_type_get(*, visit_type_id: str) -> VisitType:
    [found] = dynamo.read_together(visit_type_read(visit_type_id=visit_type_id))
    if found is None:
        raise ChoiceNotFound
    return found


def location_get(*, location_id: str) -> Location:
    [found] = dynamo.read_together(location_read(location_id=location_id))
    if found is None:
        raise ChoiceNotFound
    return found
