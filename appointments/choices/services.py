"""The admin keeps the clinic's visit types and locations (each save one
conditional write with its audit event); the doctor's hours keep the
booking list's markers (appointments.availability.services)."""

from __future__ import annotations

from dataclasses import replace

from appointments.choices import repository
from appointments.choices.domain import (
    ChoiceRefused,
    Location,
    VisitType,
    location_problems,
    visit_type_problems,
)
from audit.services import audit_event_add
from clinicians.domain import SPECIALTIES
from medisecure.errors import Forbidden
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.unit_of_work import Transaction


def _admin_only(actor: Actor) -> None:
    if not actor.has_role(Role.ADMIN):
        raise Forbidden


def _save(actor: Actor, audit: AuditContext, action: str, choice_id: str, add) -> None:
    tx = Transaction()
    add(tx)
    audit_event_add(
        tx, actor=actor, audit=audit, action=action, resource_type="clinic_choice", resource_id=choice_id
    )
    tx.commit()


def visit_type_save(*, actor: Actor, audit: AuditContext, visit_type: VisitType) -> VisitType:
    """Add a visit type (version 0) or replace one at the version it was
    read at. ChoiceRefused for bad input, ConcurrentUpdate if it changed meanwhile."""
    _admin_only(actor)
    problems = visit_type_problems(visit_type, specialties=tuple(SPECIALTIES))
    if problems:
        raise ChoiceRefused(problems)
    saved = replace(visit_type, name=visit_type.name.strip(), version=visit_type.version + 1)

    def add(tx: Transaction) -> None:
        repository.visit_type_save_add(tx, saved, expected_version=visit_type.version)

    _save(actor, audit, "visit_type.save", saved.visit_type_id, add)
    return saved


def location_save(*, actor: Actor, audit: AuditContext, location: Location) -> Location:
    """Add a location (version 0) or replace one at the version it was read at."""
    _admin_only(actor)
    problems = location_problems(location)
    if problems:
        raise ChoiceRefused(problems)
    saved = replace(location, version=location.version + 1)

    def add(tx: Transaction) -> None:
        repository.location_save_add(tx, saved, expected_version=location.version)

    _save(actor, audit, "location.save", saved.location_id, add)
    return saved


def bookable_mark_add(tx: Transaction, *, specialty: str, provider_id: str, bookable: bool) -> None:
    """Add to `tx` (a doctor's hours being saved) whether the doctor can be
    booked under `specialty`."""
    if specialty:
        repository.bookable_mark_add(tx, specialty=specialty, provider_id=provider_id, bookable=bookable)
