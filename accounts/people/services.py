"""An admin's changes to a person's access: disable, enable, change role,
reset two-step sign-in, send the invitation again. Each checks the actor is
an admin itself (a page's guard is not the only one), needs a reason, and
is audited with who did it and why.

Each is a sequence of steps that are each safe to repeat, in the order that
errs on the side of less access: disabling turns the portal account off
first, so it bites before Cognito is reached; enabling turns Cognito on
first and the portal account last. Cognito unreachable part-way raises
ActionUnfinished (audited as failed); the same action again finishes it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NoReturn

from django.contrib.auth import get_user_model

from accounts.people import emails
from accounts.people.domain import (
    AUDIT_ACTIONS,
    CHANGE_ROLE,
    DISABLE,
    ENABLE,
    FORCE_CHANGE_PASSWORD,
    REASON_MAX_LENGTH,
    RESEND_INVITATION,
    RESET_MFA,
    RESET_PASSWORD,
    ActionUnfinished,
    NotInvitable,
    OwnAccount,
    PeopleAdminRefused,
    PersonNotFound,
    ReasonMissing,
)
from audit.domain import ALLOWED, DENIED, FAILED
from audit.services import audit_record
from medisecure import aws, mail
from medisecure.identity import cognito
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.passwords import generate_password
from medisecure.sessions import sessions_end_for

logger = logging.getLogger(__name__)

ROLE_GROUPS = {role.value for role in Role}


def person_disable(*, actor: Actor, audit: AuditContext, person_id: str, reason: str) -> None:
    """Turn the person off: the portal account (their next request and
    sign-in are refused), the Cognito user, every token Cognito issued them
    and every portal session of theirs."""
    person = _checked(actor, audit, DISABLE, person_id, reason, own_refused=True)
    _user_model().objects.filter(pk=person.pk, is_active=True).update(is_active=False)
    sessions_end_for(person.pk)
    _steps(
        actor,
        audit,
        DISABLE,
        person,
        reason,
        [
            ("cognito_disable", lambda: cognito.disable_user(person.pool_username)),
            ("cognito_sign_out", lambda: cognito.sign_out_everywhere(person.pool_username)),
        ],
    )


def person_enable(*, actor: Actor, audit: AuditContext, person_id: str, reason: str) -> None:
    """Let the person sign in again: Cognito first, the portal account last."""
    person = _checked(actor, audit, ENABLE, person_id, reason)
    _steps(
        actor,
        audit,
        ENABLE,
        person,
        reason,
        [("cognito_enable", lambda: cognito.enable_user(person.pool_username))],
        gone_is_done=False,
    )
    _user_model().objects.filter(pk=person.pk, is_active=False).update(is_active=True)


def person_role_change(*, actor: Actor, audit: AuditContext, person_id: str, role: Role, reason: str) -> None:
    """Put the person in exactly one role group, `role`. Their sessions end,
    so the next sign-in applies the new role's rules (staff enrol in MFA)."""
    person = _checked(actor, audit, CHANGE_ROLE, person_id, reason, own_refused=True)
    _steps(
        actor,
        audit,
        CHANGE_ROLE,
        person,
        reason,
        [
            (
                "cognito_groups",
                lambda: cognito.role_groups_set(
                    person.pool_username, group=role.value, role_groups=ROLE_GROUPS
                ),
            )
        ],
        detail={"from": person.role or "none", "to": role.value},
        gone_is_done=False,
    )
    is_admin = role == Role.ADMIN
    _user_model().objects.filter(pk=person.pk).update(
        role=role.value, is_staff=is_admin, is_superuser=is_admin
    )
    sessions_end_for(person.pk)


def person_mfa_reset(*, actor: Actor, audit: AuditContext, person_id: str, reason: str) -> None:
    """Turn the person's TOTP off (a lost or replaced phone) and end their
    sessions: staff set up their authenticator again at the next sign-in."""
    person = _checked(actor, audit, RESET_MFA, person_id, reason)
    sessions_end_for(person.pk)
    _steps(
        actor,
        audit,
        RESET_MFA,
        person,
        reason,
        [
            ("cognito_sign_out", lambda: cognito.sign_out_everywhere(person.pool_username)),
            ("cognito_mfa_off", lambda: cognito.mfa_reset(person.pool_username)),
        ],
        gone_is_done=False,
    )


def person_password_reset(*, actor: Actor, audit: AuditContext, person_id: str, reason: str) -> None:
    """Force a password reset (AdminResetUserPassword): every session ends,
    the old password stops working, and the person chooses a new one with a
    code from "Forgot your password?" (Cognito emails one at once)."""
    person = _checked(actor, audit, RESET_PASSWORD, person_id, reason, own_refused=True)
    sessions_end_for(person.pk)
    _steps(
        actor,
        audit,
        RESET_PASSWORD,
        person,
        reason,
        [
            ("cognito_reset", lambda: cognito.admin_reset_password(person.pool_username)),
            ("cognito_sign_out", lambda: cognito.sign_out_everywhere(person.pool_username)),
        ],
        gone_is_done=False,
    )


def person_invitation_resend(*, actor: Actor, audit: AuditContext, email: str, reason: str) -> None:
    """Email a new temporary password to someone invited who has not yet
    signed in (the earlier one stops working). Raises NotInvitable for an
    account whose owner has chosen their password, PersonNotFound for none."""
    reason = _reason(reason)
    _require_admin(actor, audit, RESEND_INVITATION, "")
    try:
        pool_user = cognito.get_pool_user(email)
    except Exception as error:
        _unfinished(actor, audit, RESEND_INVITATION, "", reason, "cognito_read", error)
    if pool_user is None:
        raise PersonNotFound
    if pool_user.status != FORCE_CHANGE_PASSWORD:
        raise NotInvitable
    password = generate_password()
    steps: list[tuple[str, Callable[[], object]]] = [
        ("cognito_password", lambda: cognito.set_temporary_password(pool_user.username, password)),
        ("email", lambda: mail.send(emails.invitation(pool_user, password))),
    ]
    for step, run in steps:
        try:
            run()
        except Exception as error:
            _unfinished(actor, audit, RESEND_INVITATION, pool_user.sub, reason, step, error)
    audit_record(
        actor=actor,
        audit=audit,
        action=AUDIT_ACTIONS[RESEND_INVITATION],
        outcome=ALLOWED,
        resource_type="user",
        resource_id=pool_user.sub,
        detail={"reason": reason},
    )


# --- the common parts ---------------------------------------------------------


def _user_model():
    return get_user_model()


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())[:REASON_MAX_LENGTH]
    if not reason:
        raise ReasonMissing
    return reason


def _require_admin(actor: Actor, audit: AuditContext, action: str, person_id: str) -> None:
    if actor.has_role(Role.ADMIN):
        return
    audit_record(
        actor=actor,
        audit=audit,
        action=AUDIT_ACTIONS[action],
        outcome=DENIED,
        resource_type="user",
        resource_id=person_id,
        detail={"reason": "not_admin"},
    )
    raise PeopleAdminRefused(audited=True)


def _checked(actor: Actor, audit: AuditContext, action: str, person_id: str, reason: str, own_refused=False):
    """The person, once the actor is known to be an admin and the reason is given."""
    _require_admin(actor, audit, action, person_id)
    reason = _reason(reason)
    if own_refused and person_id == actor.user_id:
        raise OwnAccount
    person = _user_model().objects.filter(username=person_id).first()
    if person is None:
        raise PersonNotFound
    return person


def _steps(actor, audit, action, person, reason, steps, *, detail=None, gone_is_done=True) -> None:
    """Run each step; then record the action. A user Cognito no longer has
    is done with for disabling (nothing left to turn off), and unfinished
    for the rest."""
    for step, run in steps:
        try:
            run()
        except cognito.PoolUserGone as error:
            if not gone_is_done:
                _unfinished(actor, audit, action, person.username, reason, step, error)
            break
        except Exception as error:
            _unfinished(actor, audit, action, person.username, reason, step, error)
    audit_record(
        actor=actor,
        audit=audit,
        action=AUDIT_ACTIONS[action],
        outcome=ALLOWED,
        resource_type="user",
        resource_id=person.username,
        detail={"reason": reason, **(detail or {})},
    )


def _unfinished(actor, audit, action, person_id, reason, step, error) -> NoReturn:
    """Audit the attempt as failed at `step` and raise ActionUnfinished; an
    error that is not Cognito or SES being unreachable propagates."""
    reachable_failure = isinstance(
        error, (cognito.CognitoUnavailable, cognito.PoolUserGone, mail.MailNotSent)
    )
    if not (reachable_failure or aws.is_unavailable(error)):
        raise error
    logger.warning("%s of a person stopped at %s: %s", action, step, type(error).__name__)
    audit_record(
        actor=actor,
        audit=audit,
        action=AUDIT_ACTIONS[action],
        outcome=FAILED,
        resource_type="user",
        resource_id=person_id,
        detail={"reason": reason, "step": step},
    )
    raise ActionUnfinished(step) from error
