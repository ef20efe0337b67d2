"""Doctors who opt in are emailed when a patient books, moves or cancels with
them. The setting is kept on the doctor's provider record.

The email says what happened and when, never who or why: the details are
behind the doctor's sign-in. It is sent after the change is stored, and a
failure to read the doctor's record or to send is logged and swallowed: a
notice never undoes, or reports as failed, the booking it is about."""

from __future__ import annotations

import logging
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError

from appointments import emails
from appointments.domain import Appointment
from audit.domain import ALLOWED
from audit.services import audit_record
from clinicians import repository as providers
from clinicians.domain import Provider
from medisecure import dynamo, mail

logger = logging.getLogger(__name__)

BOOKED = "booked"
CANCELLED = "cancelled"
MOVED = "moved"


class NoProviderRecord(Exception):
    """The signed-in doctor has no provider record to keep the setting on."""


class SettingChanged(Exception):
    """The setting was changed elsewhere after the doctor opened the page."""


def booking_notices_view(*, request) -> bool:
    """Whether the signed-in doctor is emailed about bookings (no PHI)."""
    provider = providers.get(request.user.username)
    if provider is None:
        raise NoProviderRecord
    return provider.notify_on_bookings


def booking_notices_update(*, request, notify: bool, was: bool) -> None:
    """Set the signed-in doctor's choice, if it is still `was` (what they saw),
    with its audit event in one transaction. SettingChanged otherwise, or
    NoProviderRecord when there is no record (the same refused condition)."""
    provider_id = request.user.username
    try:
        audit_record(
            request=request, action="provider.booking_notices.update", outcome=ALLOWED, resource_type="provider",
            resource_id=provider_id, detail={"notify": notify},
            with_writes=[providers.booking_notices_entry(provider_id, notify=notify, was=was)],
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
        if providers.get(provider_id) is None:
            raise NoProviderRecord from error
        raise SettingChanged from error


def doctor_notify(
    *, appointment: Appointment, event: str, provider: Provider | None = None, moved_from: datetime | None = None
) -> bool:
    """Email the appointment's doctor about `event` if they opted in (their
    record is read unless given). Whether a notice went out; never raises
    for an AWS failure."""
    try:
        provider = provider or providers.get(appointment.provider_id)
        if provider is None or not provider.notify_on_bookings:
            return False
        mail.send(emails.doctor_notice(
            to=provider.email, doctor=provider.display_name, event=event, appointment=appointment,
            moved_from=moved_from,
        ))
    except (mail.MailNotSent, ClientError, BotoCoreError) as error:
        # Identifiers only.
        logger.warning("doctor notice %s for appointment %s not sent: %s", event, appointment.appointment_id,
                       type(error).__name__)
        return False
    return True
