"""What the sign-up emails say. Sent through medisecure.mail, in the
language of the page the person signing up is on.

They name the clinic and, for a new sign-up, the person's first name and
their code with its expiry: no other personal or health information, since
email is neither private nor under the clinic's control once sent."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medisecure.mail import Message


def signup_code(*, to: str, first_name: str, code: str, expires_at: datetime) -> Message:
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "first_name": first_name,
        "code": code,
        "minutes": settings.SIGNUP_CODE_TTL_MINUTES,
        "expires_at": timezone.localtime(expires_at),
    }
    return _message(
        to, "signup_code", _("Your %(clinic)s sign-up code") % {"clinic": settings.CLINIC_NAME}, context
    )


def signup_finish_link(*, to: str, first_name: str, secret: str, expires_at: datetime) -> Message:
    """Sent once the code is proven: the link reopens the password page
    (from any browser) until the sign-up expires."""
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "first_name": first_name,
        "finish_url": settings.SITE_URL + reverse("signup:finish", args=[secret]),
        "expires_at": timezone.localtime(expires_at),
    }
    return _message(
        to,
        "signup_finish_link",
        _("Finish creating your %(clinic)s account") % {"clinic": settings.CLINIC_NAME},
        context,
    )


def existing_account_notice(*, to: str) -> Message:
    """To the holder of an account someone tried to sign up again for. It
    names no one: the name on the attempt was typed by whoever tried."""
    context = {
        "clinic_name": settings.CLINIC_NAME,
        "sign_in_url": settings.SITE_URL + reverse("oidc_authentication_init"),
    }
    return _message(
        to,
        "signup_existing_account",
        _("Someone tried to sign up at %(clinic)s with your email") % {"clinic": settings.CLINIC_NAME},
        context,
    )


def _message(to: str, template: str, subject: str, context: dict) -> Message:
    return Message(
        to=to,
        subject=subject,
        text=render_to_string(f"patients/emails/{template}.txt", context),
        html=render_to_string(f"patients/emails/{template}.html", context),
    )
