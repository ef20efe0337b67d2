"""What the email sent again to an invited person says: where to sign in,
and a new temporary password."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from medisecure.identity.cognito import PoolUser
from medisecure.mail import Message
from medisecure.passwords import PASSWORD_POLICY


def invitation(pool_user: PoolUser, temporary_password: str) -> Message:
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "site_url": settings.SITE_URL,
        "email": pool_user.email,
        "given_name": pool_user.attributes.get("given_name", ""),
        "temporary_password": temporary_password,
        "temporary_password_days": PASSWORD_POLICY["TemporaryPasswordValidityDays"],
    }
    return Message(
        to=pool_user.email,
        subject=f"{settings.CLINIC_NAME}: your invitation to sign in",
        text=render_to_string("accounts/email/invitation.txt", context),
        html=render_to_string("accounts/email/invitation.html", context),
    )
