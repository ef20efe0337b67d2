"""Reminders: every patient with an appointment soon is emailed once, by a
scheduled command (appointments/management/commands/send_reminders.py)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from appointments import emails
from appointments import repository as appointments
from appointments.domain import Appointment
from appointments.reminders import repository
from audit.domain import ALLOWED
from audit.services import AuditWriteFailed, audit_record
from medisecure import clock
from medisecure.identity.actors import Actor, AuditContext
from patients.selectors import patient_get

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderRun:
    sent: int
    already_sent: int
    not_sent: int


def appointment_reminders_send(*, actor: Actor, audit: AuditContext, within: timedelta) -> ReminderRun:
    """Email every patient whose booked appointment starts within `within`,
    once: each reminder is claimed by a conditional write before it is sent,
    so runs that repeat or overlap never send it twice. A reminder whose
    email fails is released for the next run; one claimed by a run that died
    before finishing is taken over after APPOINTMENT_REMINDER_CLAIM_MINUTES
    (if it died after SES took the email, that one goes out twice: the price
    of never losing a reminder). Each reminder sent is audited as `actor`'s."""
    now = clock.now()
    stale_before = now - timedelta(minutes=settings.APPOINTMENT_REMINDER_CLAIM_MINUTES)
    token = uuid.uuid4().hex
    sent = already_sent = not_sent = 0
    for appointment in appointments.booked_starting_between(now, now + within):
        if not repository.reminder_claim(appointment, token=token, stale_before=stale_before):
            already_sent += 1
        elif _remind(actor, audit, appointment):
            repository.reminder_sent(appointment, token=token)
            sent += 1
        else:
            repository.reminder_release(appointment, token=token)
            not_sent += 1
    return ReminderRun(sent=sent, already_sent=already_sent, not_sent=not_sent)


def _remind(actor: Actor, audit: AuditContext, appointment: Appointment) -> bool:
    patient = patient_get(patient_id=appointment.patient_id)
    if patient is None:
        return False
    try:
        audit_record(
            actor=actor,
            audit=audit,
            action="appointment.reminder",
            outcome=ALLOWED,
            resource_type="appointment",
            resource_id=appointment.appointment_id,
            patient_id=appointment.patient_id,
        )
    except AuditWriteFailed:
        logger.warning("reminder for appointment %s not audited; not sent", appointment.appointment_id)
        return False
    return emails.send(
        emails.reminder(
            to=patient.email,
            first_name=patient.given_name,
            appointment=appointment,
            language=patient.preferred_language,
        )
    )
