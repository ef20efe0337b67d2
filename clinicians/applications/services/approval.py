"""Approval: the applicant becomes a doctor, with a Cognito user in the
doctor group, the invitation email and a provider record; an approval cut
short by AWS is finished by approving again, which links what was made
instead of making it twice."""

from __future__ import annotations

import logging
from dataclasses import replace

from audit.services import AuditWriteFailed
from clinicians import repository as providers
from clinicians.applications import emails, repository
from clinicians.applications.domain import (
    APPROVE,
    APPROVED,
    APPROVING,
    AccountHasAnotherRole,
    Application,
    ApprovalUnfinished,
    Decided,
    DoctorAccount,
)
from clinicians.applications.services.changes import change_event_add, decidable, decided_by, decision_commit
from clinicians.domain import Provider, ProviderExists
from medisecure import aws, clock, mail
from medisecure.identity import cognito
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.passwords import generate_password
from medisecure.unit_of_work import Transaction

logger = logging.getLogger(__name__)

FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"


def application_approve(
    *, actor: Actor, audit: AuditContext, actor_email: str, application_id: str, expected_version: int
) -> Decided:
    """Approve: claim the application (so no other admin can decide it
    meanwhile), make or link the Cognito user in the doctor group, email the
    invitation, then create the provider record and mark the application
    approved in one transaction. Any AWS failure after the claim raises
    ApprovalUnfinished; approving again finishes the work, linking the
    Cognito user and provider instead of making second ones."""
    current = decidable(
        actor=actor, application_id=application_id, decision=APPROVE, expected_version=expected_version
    )
    _refuse_account_with_another_role(current.email)
    tx = Transaction()
    claimed = repository.replace_current(
        tx, current, decided_by(actor=actor, actor_email=actor_email, application=current, status=APPROVING)
    )
    change_event_add(
        tx=tx,
        actor=actor,
        audit=audit,
        action="approval_started",
        application=current,
        detail={"from": current.status},
    )
    decision_commit(tx=tx, actor=actor, current=current)
    try:
        return _finish_approval(actor, audit, actor_email, claimed)
    except Exception as error:
        if not _cuts_approval_short(error):
            raise
        logger.warning("approval of %s did not finish: %s", claimed.application_id, type(error).__name__)
        raise ApprovalUnfinished(claimed) from error


def _cuts_approval_short(error: Exception) -> bool:
    """An approval's step that failed for a reason approving again can cure:
    Cognito, SES or DynamoDB unreachable or throttled past the retries, the
    final write and its audit event not stored, or a provider record made
    meanwhile (approving again links it)."""
    return isinstance(error, (AuditWriteFailed, mail.MailNotSent, ProviderExists)) or aws.is_unavailable(
        error
    )


def _finish_approval(actor: Actor, audit: AuditContext, actor_email: str, claimed: Application) -> Decided:
    account = _doctor_account(claimed)
    provider = _new_provider(claimed, account.sub)
    # Sent before the application is marked approved, so an approval whose
    # email failed is finished by approving again, with a new temporary
    # password. The claim means no other admin can reject it meanwhile.
    mail.send(emails.approved(claimed, account))
    tx = Transaction()
    approved = repository.replace_current(
        tx,
        claimed,
        replace(
            decided_by(actor=actor, actor_email=actor_email, application=claimed, status=APPROVED),
            provider_id=account.sub,
        ),
        release_guard=True,
    )
    if provider:
        # The provider joins the approval's transaction: no doctor without an
        # approved application, and no approved application without its doctor.
        providers.add_new(tx, provider)
    change_event_add(
        tx=tx,
        actor=actor,
        audit=audit,
        action="approve",
        application=claimed,
        detail={
            "provider_id": account.sub,
            "account": "created" if account.created else "linked",
            "provider": "created" if provider else "linked",
        },
    )
    decision_commit(tx=tx, actor=actor, current=claimed)
    return Decided(application=approved, emailed=True)


def _refuse_account_with_another_role(email: str) -> None:
    if cognito.get_pool_user(email) is not None:
        _other_role(cognito.groups_of(email))


def _other_role(groups: set[str]) -> None:
    others = sorted(
        group for group in groups if group in Role._value2member_map_ and group != Role.DOCTOR.value
    )
    if others:
        raise AccountHasAnotherRole(others[0])


def _doctor_account(application: Application) -> DoctorAccount:
    """The applicant's Cognito user in the doctor group: created with a
    temporary password, or, if the email already has one, that user."""
    password = generate_password()
    temporary_password: str | None = password
    try:
        user = cognito.create_pool_user(
            email=application.email,
            given_name=application.given_name,
            family_name=application.family_name,
            suppress_message=True,  # the portal sends the invitation itself, through SES
            temporary_password=password,
        )
        created = True
    except cognito.UsernameTaken:
        user = _pool_user(application.email)
        created = False
        if user.status == FORCE_CHANGE_PASSWORD:
            # Never signed in (an earlier approval cut short, or an invitation
            # that was lost): a fresh temporary password, sent below.
            cognito.set_temporary_password(application.email, password)
        else:
            temporary_password = None
    groups = cognito.groups_of(application.email)
    _other_role(groups)
    if Role.DOCTOR.value not in groups:
        cognito.add_to_group(application.email, Role.DOCTOR.value)
    return DoctorAccount(sub=user.sub, temporary_password=temporary_password, created=created)


def _pool_user(email: str) -> cognito.PoolUser:
    user = cognito.get_pool_user(email)
    if user is None:
        # Taken a moment ago and gone now: someone removed it meanwhile; an
        # operator's doing, not a rule to report.
        raise RuntimeError("the user holding the applicant's email was removed during the approval")
    return user


def _new_provider(application: Application, provider_id: str) -> Provider | None:
    """The provider record to create, or None when this person already has one
    (it is linked as it stands)."""
    if providers.get(provider_id) is not None:
        return None
    return Provider(
        provider_id=provider_id,
        email=application.email,
        given_name=application.given_name,
        family_name=application.family_name,
        specialty=application.specialty,
        licence_number=application.licence_number,
        licence_region=application.licence_region,
        created_at=clock.stamp(),
    )
