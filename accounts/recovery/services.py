"""Getting back in after a forgotten password, and changing one's own
password, through the user pool. Every step is audited with the person's
id (never the address); a reset or a change ends every other session."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model

from accounts.recovery import emails
from audit.domain import ALLOWED, DENIED
from audit.services import audit_record
from medisecure import mail
from medisecure.identity import cognito
from medisecure.identity.actors import Actor, AuditContext
from medisecure.sessions import sessions_end_for

logger = logging.getLogger(__name__)


class CodeRefused(Exception):
    """The code is wrong, expired or spent; the person asks for a new one."""


class PasswordRefused(Exception):
    """The pool refused a password that passed our policy check."""


class WrongCurrentPassword(Exception):
    """The current password given to a change was not right."""


def _person(email: str):
    return get_user_model().objects.filter(email__iexact=email).first()


def password_reset_request(*, actor: Actor, audit: AuditContext, email: str) -> None:
    """Ask the pool to email a reset code. Answers the same, and as fast,
    whether the address has an account, a code was sent or the pool said
    to wait: nothing tells a visitor who has an account. Raises
    cognito.CognitoUnavailable."""
    person = _person(email)
    try:
        # The address as typed: the pool signs in by email and finds its user
        # by it (a changed address reaches the account, the old one nothing).
        cognito.forgot_password(email)
        sent = "asked"
    except cognito.CodeSendLimited:
        sent = "limited"
    audit_record(
        actor=actor,
        audit=audit,
        action="account.password_reset_requested",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=person.username if person else "",
        detail={"code": sent},
    )


def password_reset_complete(
    *, actor: Actor, audit: AuditContext, email: str, code: str, password: str
) -> None:
    """Set the new password with the emailed code, then end every session
    of the person: the portal's and the pool's tokens. Raises CodeRefused,
    PasswordRefused or cognito.CognitoUnavailable."""
    person = _person(email)
    resource_id = person.username if person else ""
    try:
        cognito.confirm_forgot_password(email, code, password)
    except cognito.CodeRefused as refused:
        audit_record(
            actor=actor,
            audit=audit,
            action="account.password_reset_completed",
            outcome=DENIED,
            resource_type="user",
            resource_id=resource_id,
            detail={"reason": "code"},
        )
        raise CodeRefused from refused
    except cognito.PasswordNotAccepted as refused:
        raise PasswordRefused from refused
    ended = _sessions_ended(person) if person else 0
    audit_record(
        actor=actor,
        audit=audit,
        action="account.password_reset_completed",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=resource_id,
        detail={"portal_sessions": ended},
    )


def password_change(
    *,
    actor: Actor,
    audit: AuditContext,
    person,
    access_token: str,
    current: str,
    password: str,
    keep_session: str,
) -> None:
    """Change the signed-in person's password with their own token; every
    other session of theirs ends and they are told by email (no link in it).
    Raises WrongCurrentPassword, PasswordRefused or cognito.CognitoUnavailable."""
    try:
        cognito.change_password(access_token, current, password)
    except cognito.WrongPassword as refused:
        audit_record(
            actor=actor,
            audit=audit,
            action="account.password_changed",
            outcome=DENIED,
            resource_type="user",
            resource_id=actor.user_id,
            detail={"reason": "current_password"},
        )
        raise WrongCurrentPassword from refused
    except cognito.PasswordNotAccepted as refused:
        raise PasswordRefused from refused
    ended = sessions_end_for(person.pk, keep=keep_session)
    audit_record(
        actor=actor,
        audit=audit,
        action="account.password_changed",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"other_portal_sessions": ended},
    )
    try:
        mail.send(emails.password_changed(person.email))
    except mail.MailNotSent:
        logger.warning("password change: the notice email could not be sent")


def _sessions_ended(person) -> int:
    ended = sessions_end_for(person.pk)
    try:
        cognito.sign_out_everywhere(person.pool_username)
    except (cognito.CognitoUnavailable, cognito.PoolUserGone) as error:
        logger.warning("password reset: Cognito's global sign-out did not happen (%s)", type(error).__name__)
    return ended
