"""Identity use cases: recording sign-in and sign-out, and enrolling staff in
TOTP MFA."""

from __future__ import annotations

import time
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import auth

from audit.domain import ALLOWED, DENIED
from audit.services import Actor, audit_record
from medisecure.identity import cognito
from medisecure.identity.session_keys import (
    ACCESS_TOKEN,
    LAST_SEEN,
    MFA_ENROLMENT_REQUIRED,
    MFA_PENDING_SECRET,
    SIGNED_IN_AT,
)


def sign_in_complete(*, request, user) -> None:
    """After login(): start the session clocks, hold staff without MFA at the
    enrolment page, and record the sign-in."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now
    if getattr(request, "mfa_enrolment_required", False):
        request.session[MFA_ENROLMENT_REQUIRED] = True
    audit_record(
        request=request,
        action="auth.sign_in",
        outcome=ALLOWED,
        resource_type="user",
        resource_id=user.username,
        detail={"mfa_enrolment_required": bool(request.session.get(MFA_ENROLMENT_REQUIRED))},
    )


def sign_in_refused(*, request, reason: str) -> None:
    audit_record(request=request, action="auth.sign_in", outcome=DENIED, detail={"reason": reason})


def sign_out(*, request) -> None:
    """End the portal session (the caller then ends Cognito's)."""
    if request.user.is_authenticated:
        audit_record(
            request=request,
            action="auth.sign_out",
            outcome=ALLOWED,
            resource_type="user",
            resource_id=request.user.username,
        )
    auth.logout(request)


def mfa_enrolment_begin(*, request) -> None:
    """Ask Cognito for a new TOTP secret. It stays in the server-side session
    until the first code checks out, so a reload shows the same one."""
    request.session[MFA_PENDING_SECRET] = cognito.begin_totp_enrolment(request.session[ACCESS_TOKEN])


def mfa_enrolment_pending(*, request) -> dict | None:
    """The pending secret and a QR code of it, or None before set-up starts."""
    secret = request.session.get(MFA_PENDING_SECRET)
    if not secret:
        return None
    label = quote(f"{settings.CLINIC_NAME}:{request.user.email}")
    uri = f"otpauth://totp/{label}?secret={secret}&issuer={quote(settings.CLINIC_NAME)}"
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator app")
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr_svg}


def mfa_enrolment_finish(*, request, code: str) -> None:
    """Check the first code and make TOTP required for this person. Raises
    cognito.CodeMismatch when the code is wrong. The session is then ended:
    the person signs in again and proves the new factor."""
    actor = Actor(user_id=request.user.username, role=request.user.role)
    try:
        cognito.finish_totp_enrolment(request.session[ACCESS_TOKEN], code)
    except cognito.CodeMismatch:
        audit_record(request=request, action="auth.mfa_enrolment", outcome=DENIED)
        raise
    audit_record(request=request, actor=actor, action="auth.mfa_enrolment", outcome=ALLOWED)
    auth.logout(request)  # also drops the pending secret
