"""What the emails to an applicant say. Sent through medisecure.mail.

Each names the application's reference; a decision's email carries the
admin's message as written (escaped in the HTML part), and an approval's the
sign-in details of the doctor's account."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from clinicians.applications.domain import (
    REJECT,
    REQUEST_INFORMATION,
    Application,
    DoctorAccount,
)
from medisecure.mail import Message
from medisecure.passwords import PASSWORD_POLICY

DECISION_SUBJECTS = {
    REJECT: "Your application {reference}",
    REQUEST_INFORMATION: "More information needed for application {reference}",
}


def submitted(application: Application) -> Message:
    return _message(application, "submitted", f"We received your application {application.application_id}")


def already_pending(*, to: str) -> Message:
    """To the holder of an address someone applied with again while its
    application waits for review: it names nothing the new form said."""
    context = {"clinic_name": settings.CLINIC_NAME, "site_url": settings.SITE_URL}
    return Message(
        to=to,
        subject=f"{settings.CLINIC_NAME}: your application is still waiting for review",
        text=render_to_string("clinicians/email/already_pending.txt", context),
        html=render_to_string("clinicians/email/already_pending.html", context),
    )


def decision(application: Application, decision: str) -> Message:
    """A rejection's reason, or the information asked for (the application's decision note)."""
    subject = DECISION_SUBJECTS[decision].format(reference=application.application_id)
    return _message(application, decision, subject)


def approved(application: Application, account: DoctorAccount) -> Message:
    return _message(
        application,
        "approved",
        f"Your application {application.application_id} is approved",
        account=account,
        temporary_password_days=PASSWORD_POLICY["TemporaryPasswordValidityDays"],
    )


def _message(application: Application, template: str, subject: str, **context) -> Message:
    context = {
        "application": application,
        "clinic_name": settings.CLINIC_NAME,
        "site_url": settings.SITE_URL,
        "staff_mfa_required": settings.STAFF_MFA_REQUIRED,
        **context,
    }
    return Message(
        to=application.email,
        subject=f"{settings.CLINIC_NAME}: {subject}",
        text=render_to_string(f"clinicians/email/{template}.txt", context),
        html=render_to_string(f"clinicians/email/{template}.html", context),
    )
