"""What every change to an application does alike: its audit event in the
change's own transaction, the email that reports it, and, for a decision,
who made it and the check that nobody else decided first."""

from __future__ import annotations

import logging
from dataclasses import replace

from audit.services import audit_event_add
from clinicians.applications.domain import AlreadyDecided, Application
from clinicians.applications.selectors import RESOURCE, application_get_for
from medisecure import clock, mail
from medisecure.errors import ConcurrentUpdate
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction

logger = logging.getLogger(__name__)


def change_event_add(
    *, tx: Transaction, actor: Actor, audit: AuditContext, action: str, application: Application, detail: dict
) -> None:
    """The audit event of a change to `application`, in the change's own transaction."""
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=f"{RESOURCE}.{action}",
        resource_type=RESOURCE,
        resource_id=application.application_id,
        detail=detail,
    )


def email_sent(*, application: Application, message: mail.Message) -> bool:
    """Send, and say whether it went: the change it reports is already made,
    so a failed email is reported to whoever acted instead of undoing it."""
    try:
        mail.send(message)
    except mail.MailNotSent:
        logger.warning("an email for application %s was not sent", application.application_id)
        return False
    return True


# A decision records who made it: the admin's id (the actor) and, for the
# other admins who see the application later, the email they sign in with
# (which the Actor does not carry; the admin's page passes it).


def decidable(*, actor: Actor, application_id: str, decision: str, expected_version: int) -> Application:
    """The application, if it is still as the admin saw it and the decision
    may follow from its status; else AlreadyDecided."""
    current = application_get_for(actor=actor, application_id=application_id)
    if current.version != expected_version or not current.allows(decision):
        raise AlreadyDecided(current)
    return current


def decided_by(
    *, actor: Actor, actor_email: str, application: Application, status: str, note: str = ""
) -> Application:
    """`application` moved to `status` by this admin, now."""
    return replace(
        application,
        status=status,
        decided_by=actor.user_id,
        decided_by_email=actor_email,
        decided_at=clock.stamp(),
        decision_note=note,
    )


def decision_commit(*, tx: Transaction, actor: Actor, current: Application) -> None:
    """Commit a change to `current`; if another admin moved it on first (its
    version's guard refused the write), raise AlreadyDecided with the
    application as they left it."""
    try:
        tx.commit()
    except ConcurrentUpdate:
        raise AlreadyDecided(
            application_get_for(actor=actor, application_id=current.application_id)
        ) from None
