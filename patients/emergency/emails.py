"""What is emailed about emergency access: the admins are told when a doctor
takes it (who, when and until when, where to review it; never the patient's
name) and when a doctor runs past the lookup limits; the patient is told
their record was opened under emergency access (who, when, the reason)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from medisecure import languages, mail
from medisecure.clinic_time import clinic_datetime
from patients.emergency.domain import EmergencyGrant


def _review_url() -> str:
    return settings.SITE_URL + reverse("admin:emergency_access_review")


def _message(to: str, template: str, subject: str, context: dict) -> mail.Message:
    context = {"clinic_name": settings.CLINIC_NAME, **context}
    return mail.Message(
        to=to,
        subject=subject,
        text=render_to_string(f"patients/emergency/emails/{template}.txt", context),
        html=render_to_string(f"patients/emergency/emails/{template}.html", context),
    )


def grant_notice(grant: EmergencyGrant, *, to: str) -> mail.Message:
    context = {
        "grant": grant,
        "clinic_name": settings.CLINIC_NAME,
        "granted": clinic_datetime(grant.granted_at),
        "ends": clinic_datetime(grant.ends),
        "review_url": _review_url(),
    }
    return _message(
        to, "grant_notice", f"{settings.CLINIC_NAME}: emergency access to a patient's chart", context
    )


def limit_notice(*, provider_name: str, what: str, to: str) -> mail.Message:
    """A doctor has made as many emergency lookups or grants as the hour
    allows and tried again: sent once per doctor, limit and hour."""
    context = {"provider_name": provider_name, "what": what, "review_url": _review_url()}
    return _message(
        to, "limit_notice", f"{settings.CLINIC_NAME}: emergency access attempts over the limit", context
    )


def patient_notice(grant: EmergencyGrant, *, to: str, language: str = "") -> mail.Message:
    """In the patient's stored language, not the doctor's page's."""
    context = {
        "grant": grant,
        "access_url": settings.SITE_URL + reverse("records:access_log"),
    }
    with languages.writing_to(language):
        return _message(
            to,
            "patient_notice",
            _("%(clinic)s: your record was opened under emergency access") % {"clinic": settings.CLINIC_NAME},
            context,
        )
