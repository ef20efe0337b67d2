"""Writing the audit trail: the one entry point every feature calls."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from audit import repository
from audit.domain import DENIED, TIMESTAMP_FORMAT, AuditEvent, ChainHead
from audit.repository import AuditWriteFailed
from medisecure import dynamo
from medisecure.middleware import client_ip

logger = logging.getLogger(__name__)

USER_AGENT_LIMIT = 256


@dataclass(frozen=True)
class Actor:
    """Who did something. For people, the Cognito sub and their role; for
    operators' commands, a `system:` id."""

    user_id: str
    role: str


ANONYMOUS = Actor(user_id="anonymous", role="anonymous")


def actor_of(request) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return Actor(user_id=user.username, role=user.role or "none")


def audit_record(
    *,
    action: str,
    outcome: str,
    request=None,
    actor: Actor | None = None,
    resource_type: str = "",
    resource_id: str = "",
    patient_id: str = "",
    detail: dict | None = None,
    with_writes: Sequence[dict] = (),
    head: ChainHead | None = None,
) -> AuditEvent:
    """Record one event, with `with_writes` (the PHI change it describes) in the
    same transaction. Raises AuditWriteFailed (or the AWS error) when the event
    is not stored: the caller must then not serve or change PHI. `head` is a
    chain head read together with the record (see next_chain)."""
    who = actor or (actor_of(request) if request is not None else ANONYMOUS)
    event = AuditEvent(
        event_id=uuid.uuid4().hex,
        timestamp=datetime.now(timezone.utc).strftime(TIMESTAMP_FORMAT),
        org_id=settings.CLINIC_ID,
        user_id=who.user_id,
        role=who.role,
        action=action,
        outcome=outcome,
        resource_type=resource_type,
        resource_id=resource_id,
        patient_id=patient_id,
        ip=_client_ip(request),
        user_agent=_user_agent(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        detail=detail or {},
    )
    try:
        recorded = repository.append(
            event,
            chain_count=settings.AUDIT_CHAIN_COUNT,
            retention_seconds=settings.AUDIT_RETENTION_DAYS * 86400,
            extra_writes=with_writes,
            head=head,
        )
    except (AuditWriteFailed, BotoCoreError, ClientError) as error:
        if isinstance(error, ClientError) and dynamo.is_conditional_failure(error) and with_writes:
            raise  # the PHI write's own condition failed: the caller's rule to report, not an audit failure
        # Identifiers only: the action and the request, never PHI.
        logger.error("audit write failed for %s (request %s): %s", action, event.request_id, type(error).__name__)
        raise AuditWriteFailed(action) from error
    if request is not None:
        request.audit_recorded = True
    return recorded


NOT_FOUND_ID_LIMIT = 128


def audit_not_found(*, request) -> None:
    """A signed-in person asked for something that is not there, or not
    theirs (the two answer alike): one `access.not_found` event naming the
    page and the identifiers asked for, unless the page already audited its
    own refusal. Anonymous misses are not recorded (nothing to attribute)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "audit_recorded", False):
        return
    match = getattr(request, "resolver_match", None)
    asked = {name: str(value)[:NOT_FOUND_ID_LIMIT] for name, value in (match.kwargs if match else {}).items()}
    if request.GET.get("page"):
        asked["page_token"] = "refused"  # the token itself is opaque and long; that it was refused is the fact
    audit_record(
        request=request,
        action="access.not_found",
        outcome=DENIED,
        resource_type="page",
        resource_id=match.view_name if match else "unmatched",
        detail=asked,
    )


def next_chain() -> str:
    """A chain for the next event, for callers that read its head together
    with the record they are about to audit (one round trip saved)."""
    return repository.pick_chain(settings.CLINIC_ID, settings.AUDIT_CHAIN_COUNT)


def _client_ip(request) -> str:
    return client_ip(request) if request is not None else ""


def _user_agent(request) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LIMIT]
