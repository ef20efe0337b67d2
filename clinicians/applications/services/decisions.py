"""An admin's decisions on applications: reject, ask for more information
(each with the admin's message to the applicant), the same decision on
several at once, and a decision's email sent again."""

from __future__ import annotations

from audit.domain import ALLOWED, FAILED
from audit.services import audit_record
from clinicians.applications import emails, repository
from clinicians.applications.domain import (
    APPROVE,
    BULK_REFUSALS,
    OUTCOMES,
    REJECT,
    BulkOutcome,
    Decided,
    NoEmailToResend,
)
from clinicians.applications.selectors import RESOURCE, admin_check, application_get_for
from clinicians.applications.services.approval import application_approve
from clinicians.applications.services.changes import (
    change_event_add,
    decidable,
    decided_by,
    decision_commit,
    email_sent,
)
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction


def application_decide(
    *,
    actor: Actor,
    audit: AuditContext,
    actor_email: str,
    application_id: str,
    decision: str,
    expected_version: int,
    note: str = "",
) -> Decided:
    """One admin decision on one application (see application_approve)."""
    if decision == APPROVE:
        return application_approve(
            actor=actor,
            audit=audit,
            actor_email=actor_email,
            application_id=application_id,
            expected_version=expected_version,
        )
    return _decide_with_note(actor, audit, actor_email, application_id, decision, expected_version, note)


def application_reject(
    *,
    actor: Actor,
    audit: AuditContext,
    actor_email: str,
    application_id: str,
    expected_version: int,
    reason: str,
) -> Decided:
    return _decide_with_note(actor, audit, actor_email, application_id, REJECT, expected_version, reason)


def _decide_with_note(
    actor: Actor,
    audit: AuditContext,
    actor_email: str,
    application_id: str,
    decision: str,
    expected_version: int,
    note: str,
) -> Decided:
    """Reject, or ask for more information: the admin's text is audited and
    sent to the applicant. A rejection releases the email for a new application."""
    current = decidable(
        actor=actor, application_id=application_id, decision=decision, expected_version=expected_version
    )
    tx = Transaction()
    decided = repository.replace_current(
        tx,
        current,
        decided_by(
            actor=actor, actor_email=actor_email, application=current, status=OUTCOMES[decision], note=note
        ),
        release_guard=decision == REJECT,
    )
    change_event_add(
        tx=tx,
        actor=actor,
        audit=audit,
        action=decision,
        application=current,
        detail={"from": current.status, "reason": note},
    )
    decision_commit(tx=tx, actor=actor, current=current)
    emailed = email_sent(application=decided, message=emails.decision(decided, decision))
    return Decided(application=decided, emailed=emailed)


def applications_decide(
    *,
    actor: Actor,
    audit: AuditContext,
    actor_email: str,
    decision: str,
    versions: dict[str, int],
    note: str = "",
) -> list[BulkOutcome]:
    """The same decision on several applications, each as its own decision
    (its own conditional write, audit event and email): one refused does not
    stop the others."""
    admin_check(actor=actor)
    outcomes = []
    for application_id, version in versions.items():
        try:
            decided = application_decide(
                actor=actor,
                audit=audit,
                actor_email=actor_email,
                application_id=application_id,
                decision=decision,
                expected_version=version,
                note=note,
            )
        except BULK_REFUSALS as refused:
            outcomes.append(BulkOutcome(application_id=application_id, refused=refused))
        else:
            outcomes.append(BulkOutcome(application_id=application_id, decided=decided))
    return outcomes


# The decision whose email an application's status stands for.
_DECISION_BY_STATUS = {
    status: decision for decision, status in OUTCOMES.items() if decision in emails.DECISION_SUBJECTS
}


def application_decision_email_resend(*, actor: Actor, audit: AuditContext, application_id: str) -> Decided:
    """Email the applicant the decision their application carries once more,
    with the admin's message as recorded: for when SES could not take it the
    first time, or the applicant lost it. Raises NoEmailToResend."""
    application = application_get_for(actor=actor, application_id=application_id)
    decision = _DECISION_BY_STATUS.get(application.status)
    if decision is None:
        raise NoEmailToResend(application_id)
    emailed = email_sent(application=application, message=emails.decision(application, decision))
    audit_record(
        actor=actor,
        audit=audit,
        action=f"{RESOURCE}.email_resent",
        outcome=ALLOWED if emailed else FAILED,
        resource_type=RESOURCE,
        resource_id=application.application_id,
        detail={"decision": decision},
    )
    return Decided(application=application, emailed=emailed)
