"""Clinician onboarding's writes: the public application (submission), the
admins' decisions on it (decisions: reject, ask for more information, the
same on several, send a decision's email again) and the approval that makes
the applicant a doctor (approval). Each change and its audit event are one
unit of work; the applicant's email follows once the change is stored."""

from clinicians.applications.services.approval import application_approve
from clinicians.applications.services.decisions import (
    application_decide,
    application_decision_email_resend,
    application_reject,
    applications_decide,
)
from clinicians.applications.services.submission import application_submit

__all__ = [
    "application_approve",
    "application_decide",
    "application_decision_email_resend",
    "application_reject",
    "application_submit",
    "applications_decide",
]
