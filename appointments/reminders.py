"""Reminders: every patient whose appointment starts within the next
APPOINTMENT_REMINDER_HOURS is emailed once, however often send_reminders
runs and however many copies run at once.

Which appointments: each doctor's booked appointments in the window, one
Query per doctor on ProviderAppointmentsIndex (the doctors listed by a Query
per specialty). That keeps the booking, moving and cancelling writes as they
are: no reminder attribute on the appointment for a sparse index to follow,
so nothing there can be wiped by, or race with, a cancel or a move. It costs
a round trip per doctor per run, which a clinic's staff list makes small.

Once each: a run claims a reminder with a conditional write before sending
(only one claimant wins), marks it sent with its audit event in one
transaction after SES takes the email, and releases the claim if SES
refuses, so the next run tries again. A run that dies between claiming and
marking leaves a claim another run takes over after
APPOINTMENT_REMINDER_CLAIM_MINUTES: if it died after SES took the email,
that one reminder goes out twice, the price of never losing one."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from appointments import emails
from appointments import reminders_repository as repository
from appointments.domain import Appointment, to_iso
from audit.domain import ALLOWED
from audit.repository import AuditWriteFailed
from audit.services import Actor, audit_record
from medisecure import clock, mail
from patients.domain import Patient

logger = logging.getLogger(__name__)

REMINDER_SENDER = Actor(user_id="system:send_reminders", role="operator")


@dataclass(frozen=True)
class ReminderRun:
    due: int  # booked appointments starting within the window
    sent: int
    failed: int  # SES refused: released for the next run
    skipped: int  # already sent, or another run has them


def reminders_send() -> ReminderRun:
    now = clock.now()
    window = timedelta(hours=settings.APPOINTMENT_REMINDER_HOURS)
    stale_before = now - timedelta(minutes=settings.APPOINTMENT_REMINDER_CLAIM_MINUTES)
    due = [
        appointment
        for provider_id in repository.provider_ids()
        for appointment in repository.booked_starting_between(provider_id, since=now, until=now + window)
        if appointment.start > now
    ]
    known = repository.states(due)
    waiting = [appointment for appointment in due if _may_claim(known.get(repository.reminder_id(appointment)), stale_before)]
    people = repository.patients_by_id([appointment.patient_id for appointment in waiting])
    token = uuid.uuid4().hex
    sent = failed = 0
    for appointment in waiting:
        patient = people.get(appointment.patient_id)
        claimed_at = clock.now()
        if patient is None or not repository.claim(appointment, token=token, now=claimed_at, stale_before=stale_before):
            continue
        if _remind(patient, appointment, token=token, claimed_at=claimed_at):
            sent += 1
        else:
            failed += 1
    return ReminderRun(due=len(due), sent=sent, failed=failed, skipped=len(due) - sent - failed)


def _may_claim(state: repository.ReminderState | None, stale_before) -> bool:
    if state is None:
        return True
    return state.status == repository.CLAIMED and state.claimed_at < to_iso(stale_before)


def _remind(patient: Patient, appointment: Appointment, *, token: str, claimed_at) -> bool:
    """Send one claimed reminder; whether it went out. Never raises for SES."""
    try:
        mail.send(emails.reminder(to=patient.email, first_name=patient.given_name, appointment=appointment))
    except mail.MailNotSent:
        logger.warning("reminder for appointment %s not sent; released for the next run", appointment.appointment_id)
        repository.release(appointment, token=token)
        return False
    try:
        audit_record(
            actor=REMINDER_SENDER, action="appointment.reminder", outcome=ALLOWED, resource_type="appointment",
            resource_id=appointment.appointment_id, patient_id=appointment.patient_id,
            with_writes=[repository.mark_sent_entry(appointment, token=token, claimed_at=claimed_at)],
        )
    except (AuditWriteFailed, ClientError, BotoCoreError) as error:
        # The claim stays: another run takes it over once it is stale.
        logger.error("reminder for appointment %s sent but not recorded: %s", appointment.appointment_id,
                     type(error).__name__)
    return True
