"""A doctor's availability: the hours patients may book, which only that
doctor changes (the id always comes from the actor)."""

from __future__ import annotations

from appointments.availability import repository
from appointments.choices.services import bookable_mark_add
from appointments.domain import Availability, AvailabilityInvalid, availability_problems
from audit.services import audit_event_add
from clinicians.selectors import provider_get
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction


def availability_update(*, actor: Actor, audit: AuditContext, proposed: Availability) -> Availability:
    """Replace the actor's availability with `proposed` (whose version is the
    one they were editing), with its audit event. AvailabilityInvalid if it
    breaks a rule, medisecure.errors.ConcurrentUpdate if someone saved
    another meanwhile. The booking page's marker of the doctor under their
    specialty (there while they have hours) is set in the same transaction."""
    provider_id = actor.user_id
    expected_version = proposed.version
    saved = Availability(
        provider_id=provider_id,
        rules=proposed.rules,
        days_off=proposed.days_off,
        extra_hours=proposed.extra_hours,
        version=expected_version + 1,
        notify_by_email=proposed.notify_by_email,
    )
    problems = availability_problems(saved)
    if problems:
        raise AvailabilityInvalid(problems)
    provider = provider_get(provider_id=provider_id)
    tx = Transaction()
    repository.availability_save_add(tx, saved, expected_version=expected_version)
    if provider is not None:
        bookable_mark_add(
            tx,
            specialty=provider.specialty,
            provider_id=provider_id,
            bookable=bool(saved.rules or saved.extra_hours),
        )
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="availability.update",
        resource_type="availability",
        resource_id=provider_id,
    )
    tx.commit()
    return saved
