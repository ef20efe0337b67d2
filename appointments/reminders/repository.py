"""Every DynamoDB call for reminder claims: one item per appointment and
start time in the slot-locks table ("reminder#<id>#<start>"), which makes a
reminder go out once however many runs try to send it."""

from __future__ import annotations

from datetime import datetime

from boto3.dynamodb.conditions import Attr, ConditionBase
from botocore.exceptions import ClientError

from appointments.domain import Appointment
from medisecure import clock, dynamo
from medisecure.tables import SLOT_LOCKS

# A reminder item is "claimed" while a run sends it and "sent" after. A claim
# whose run died before finishing goes stale and another run may take it.
REMINDER_CLAIMED = "claimed"
REMINDER_SENT = "sent"


def _reminder_key(appointment: Appointment) -> dict:
    # Per start time: an appointment moved after its reminder gets a new one.
    return {"lockId": f"reminder#{appointment.appointment_id}#{clock.stamp(appointment.start)}"}


def _reminder_put(values: dict, condition: ConditionBase) -> None:
    dynamo.client().put_item(
        TableName=dynamo.name(SLOT_LOCKS), Item=dynamo.to_item(values), **dynamo.condition_kwargs(condition)
    )


def reminder_claim(appointment: Appointment, *, token: str, stale_before: datetime) -> bool:
    """Mark the appointment's reminder as being sent by the run holding
    `token`; False if another run sent it, or is sending it and claimed it
    since `stale_before`. DynamoDB decides."""
    free = Attr("lockId").not_exists() | (
        Attr("reminder").eq(REMINDER_CLAIMED) & Attr("claimedAt").lt(clock.stamp(stale_before))
    )
    values = {
        **_reminder_key(appointment),
        "appointmentId": appointment.appointment_id,
        "expiresAt": appointment.locks_expire_at,
        "reminder": REMINDER_CLAIMED,
        "claimToken": token,
        "claimedAt": clock.stamp(),
    }
    try:
        _reminder_put(values, free)
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True


def reminder_sent(appointment: Appointment, *, token: str) -> None:
    """Record the claimed reminder as sent, so no run takes it over."""
    values = {
        **_reminder_key(appointment),
        "appointmentId": appointment.appointment_id,
        "expiresAt": appointment.locks_expire_at,
        "reminder": REMINDER_SENT,
        "sentAt": clock.stamp(),
    }
    try:
        _reminder_put(values, Attr("claimToken").eq(token))
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise


def reminder_release(appointment: Appointment, *, token: str) -> None:
    """Take back a claim whose email was not sent, so the next run tries again
    (unless another run has taken it since)."""
    try:
        dynamo.client().delete_item(
            TableName=dynamo.name(SLOT_LOCKS),
            Key=dynamo.to_item(_reminder_key(appointment)),
            **dynamo.condition_kwargs(Attr("claimToken").eq(token)),
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
