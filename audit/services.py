"""Writing the audit trail: the two entry points every feature calls.

`audit_event_add(tx, ...)` adds an event to a unit of work, so the change it
describes and the event land together or not at all; `audit_record(...)`
records an event on its own (a read of PHI, before it is served; a refusal).
Either raises AuditWriteFailed when the event is not stored, and then the
PHI must not be served or changed."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings

from audit import repository
from audit.domain import ALLOWED, DENIED, AuditEvent, ChainHead
from audit.repository import AuditWriteFailed, ChainedEvent
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction

logger = logging.getLogger(__name__)

USER_AGENT_LIMIT = 256

__all__ = [
    "ALLOWED",
    "DENIED",
    "Actor",
    "AuditContext",
    "AuditWriteFailed",
    "audit_event_add",
    "audit_record",
    "chain_head_read",
]


def _event(
    *,
    actor: Actor,
    audit: AuditContext,
    action: str,
    outcome: str,
    resource_type: str,
    resource_id: str,
    patient_id: str,
    detail: dict | None,
) -> AuditEvent:
    return AuditEvent(
        event_id=uuid.uuid4().hex,
        timestamp=clock.stamp(clock.recorded_now()),
        org_id=settings.CLINIC_ID,
        user_id=actor.user_id,
        role=actor.role,
        action=action,
        outcome=outcome,
        resource_type=resource_type,
        resource_id=resource_id,
        patient_id=patient_id,
        ip=audit.ip,
        user_agent=audit.user_agent[:USER_AGENT_LIMIT],
        request_id=audit.request_id,
        detail=detail or {},
    )


def audit_event_add(
    tx: Transaction,
    *,
    actor: Actor,
    audit: AuditContext,
    action: str,
    outcome: str = ALLOWED,
    resource_type: str = "",
    resource_id: str = "",
    patient_id: str = "",
    detail: dict | None = None,
    head: ChainHead | None = None,
) -> ChainedEvent:
    """Add the event describing `tx`'s writes to it. Events hold
    identifiers and field names, never PHI values. `head` is a chain head
    read together with the record (chain_head_read), saving a round trip.
    The sealed event is the returned part's `.sealed` once `tx` commits."""
    event = _event(
        actor=actor,
        audit=audit,
        action=action,
        outcome=outcome,
        resource_type=resource_type,
        resource_id=resource_id,
        patient_id=patient_id,
        detail=detail,
    )
    part = ChainedEvent(
        event,
        chain_count=settings.AUDIT_CHAIN_COUNT,
        retention_seconds=settings.AUDIT_RETENTION_DAYS * 86400,
        head=head,
    )
    tx.add_rebuilt(part)
    return part


def chain_head_read() -> dynamo.ItemRead[ChainHead]:
    """The head of the chain the next event will likely join, to read in one
    round trip with the record that event will describe."""
    return repository.head_read(repository.pick_chain(settings.CLINIC_ID, settings.AUDIT_CHAIN_COUNT))


def audit_record(
    *,
    action: str,
    outcome: str,
    actor: Actor,
    audit: AuditContext,
    resource_type: str = "",
    resource_id: str = "",
    patient_id: str = "",
    detail: dict | None = None,
    head: ChainHead | None = None,
) -> AuditEvent:
    """Record one event in a transaction of its own. Raises AuditWriteFailed
    when it is not stored: the caller must then not serve or change PHI.
    `head` is a chain head read together with the record (chain_head_read)."""
    tx = Transaction()
    part = audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=action,
        outcome=outcome,
        resource_type=resource_type,
        resource_id=resource_id,
        patient_id=patient_id,
        detail=detail,
        head=head,
    )
    try:
        tx.commit()
    except AuditWriteFailed:
        # Identifiers only: the action and the request, never PHI.
        logger.error("audit write failed for %s (request %s)", action, audit.request_id)
        raise
    assert part.sealed is not None
    return part.sealed
