"""Account use cases: recording sign-in, sign-out and a session's end, and
TOTP MFA (required of staff, a patient's own choice). The session itself is the views' business;
these take the actor and audit context like every other service."""

from __future__ import annotations

import logging
from enum import StrEnum
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth import get_user_model

from audit.domain import ALLOWED, DENIED
from audit.services import audit_record
from medisecure.errors import Forbidden
from medisecure.identity import cognito
from medisecure.identity.actors import ANONYMOUS, Actor, AuditContext
from medisecure.identity.roles import Role, role_from_groups
from medisecure.sessions import sessions_end_for

logger = logging.getLogger(__name__)


def sign_in_record(*, actor: Actor, audit: AuditContext, mfa_enrolment_required: bool) -> None:
    audit_record(
        actor=actor,
        audit=audit,
        action="auth.sign_in",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"mfa_enrolment_required": mfa_enrolment_required},
    )


def sign_in_refused_record(*, audit: AuditContext, reason: str) -> None:
    audit_record(
        actor=ANONYMOUS, audit=audit, action="auth.sign_in", outcome=DENIED, detail={"reason": reason}
    )


def sign_out_record(*, actor: Actor, audit: AuditContext, refresh_token: str = "") -> None:
    """Record the sign-out and revoke the session's refresh token (and the
    access tokens made from it) at Cognito. Cognito unreachable does not
    stop the sign-out: the portal session ends whatever happens."""
    revoked = _refresh_token_revoked(refresh_token) if refresh_token else "none"
    audit_record(
        actor=actor,
        audit=audit,
        action="auth.sign_out",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"refresh_token": revoked},
    )


def sign_out_everywhere(*, actor: Actor, audit: AuditContext, person) -> bool:
    """End every session of the person: every portal session and, through
    Cognito's global sign-out, every token the pool issued them (other
    browsers' single sign-on included). False when Cognito could not be
    reached; the portal sessions are ended all the same."""
    ended = sessions_end_for(person.pk)
    try:
        cognito.sign_out_everywhere(person.pool_username)
        cognito_done = True
    except (cognito.CognitoUnavailable, cognito.PoolUserGone) as error:
        logger.warning(
            "sign out everywhere: Cognito's global sign-out did not happen (%s)", type(error).__name__
        )
        cognito_done = False
    audit_record(
        actor=actor,
        audit=audit,
        action="auth.sign_out_everywhere",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"portal_sessions": ended, "cognito": "signed_out" if cognito_done else "unreachable"},
    )
    return cognito_done


def _refresh_token_revoked(refresh_token: str) -> str:
    try:
        cognito.revoke_refresh_token(refresh_token)
    except cognito.CognitoUnavailable:
        logger.warning("sign-out: the refresh token could not be revoked, Cognito did not answer")
        return "unreachable"
    return "revoked"


def session_expired_record(*, actor: Actor, audit: AuditContext, reason: str) -> None:
    audit_record(
        actor=actor, audit=audit, action="auth.session_expired", outcome=ALLOWED, detail={"reason": reason}
    )


def mfa_enrolment_begin(*, access_token: str) -> str:
    """A new TOTP secret from Cognito for the person holding `access_token`."""
    return cognito.begin_totp_enrolment(access_token)


def mfa_enrolment_pending(*, secret: str, email: str) -> dict:
    """What the enrolment page shows for a pending secret: the secret, its
    otpauth URI and a QR code of it."""
    label = quote(f"{settings.CLINIC_NAME}:{email}")
    uri = f"otpauth://totp/{label}?secret={secret}&issuer={quote(settings.CLINIC_NAME)}"
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr_svg}


def mfa_enrolment_finish(*, actor: Actor, audit: AuditContext, access_token: str, code: str) -> None:
    """Check the first code and make TOTP required for this person. Raises
    cognito.CodeMismatch when the code is wrong (audited)."""
    try:
        cognito.finish_totp_enrolment(access_token, code)
    except cognito.CodeMismatch:
        audit_record(
            actor=actor,
            audit=audit,
            action="auth.mfa_enrolment",
            outcome=DENIED,
            resource_type="user",
            resource_id=actor.user_id,
        )
        raise
    audit_record(
        actor=actor,
        audit=audit,
        action="auth.mfa_enrolment",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
    )


def mfa_enrolled(*, person) -> bool | None:
    """Whether the person answers a TOTP code at sign-in; None when the
    sign-in service cannot say now."""
    try:
        return cognito.totp_enabled(person.pool_username)
    except (cognito.CognitoUnavailable, cognito.PoolUserGone):
        logger.warning("two-step sign-in status could not be read from the sign-in service")
        return None


def mfa_turn_off(*, actor: Actor, audit: AuditContext, access_token: str, code: str) -> None:
    """A patient turns their optional TOTP off with a current code; staff
    cannot (their MFA is required; an admin resets it). Raises Forbidden,
    cognito.CodeMismatch (audited) or cognito.AccessTokenRefused."""
    if not actor.has_role(Role.PATIENT):
        raise Forbidden("only patients choose whether to use two-step sign-in")
    try:
        cognito.turn_off_totp(access_token, code)
    except cognito.CodeMismatch:
        audit_record(
            actor=actor,
            audit=audit,
            action="auth.mfa_turned_off",
            outcome=DENIED,
            resource_type="user",
            resource_id=actor.user_id,
            detail={"reason": "code"},
        )
        raise
    audit_record(
        actor=actor,
        audit=audit,
        action="auth.mfa_turned_off",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
    )


class Recheck(StrEnum):
    """What a session's periodic re-check against the user pool found."""

    CURRENT = "current"  # nothing changed: the session goes on
    UNAVAILABLE = "unavailable"  # Cognito did not answer: the session goes on
    ROLE_CHANGED = "role_changed"  # signed out everywhere, to sign in with the new role
    DISABLED = "disabled"  # the Cognito user is disabled: signed out everywhere
    GONE = "gone"  # the Cognito user no longer exists: signed out everywhere


def identity_recheck(*, actor: Actor, audit: AuditContext, person) -> Recheck:
    """Check the person's role groups and enabled state in the user pool
    against their portal account. A change ends every session of theirs
    (the portal mirror takes the new role first); Cognito unreachable keeps
    the session and is logged."""
    try:
        pool_user, groups = cognito.pool_user_checked(person.pool_username)
    except cognito.CognitoUnavailable:
        logger.warning("identity re-check skipped: the sign-in service did not answer")
        return Recheck.UNAVAILABLE
    except cognito.PoolUserGone:
        return _signed_out_everywhere(actor, audit, person, Recheck.GONE)
    if not pool_user.enabled:
        return _signed_out_everywhere(actor, audit, person, Recheck.DISABLED)
    role = role_from_groups(sorted(groups))
    role_value = role.value if role else ""
    if role_value == person.role:
        return Recheck.CURRENT
    is_admin = role_value == "admin"
    get_user_model().objects.filter(pk=person.pk).update(
        role=role_value, is_staff=is_admin, is_superuser=is_admin
    )
    return _signed_out_everywhere(
        actor,
        audit,
        person,
        Recheck.ROLE_CHANGED,
        detail={"from": person.role or "none", "to": role_value or "none"},
    )


def _signed_out_everywhere(actor: Actor, audit: AuditContext, person, found: Recheck, detail=None) -> Recheck:
    sessions_end_for(person.pk)
    audit_record(
        actor=actor,
        audit=audit,
        action="auth.recheck",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"found": found.value, **(detail or {})},
    )
    return found


SIGNED_OUT = frozenset({Recheck.ROLE_CHANGED, Recheck.DISABLED, Recheck.GONE})
