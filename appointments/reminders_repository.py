"""Every DynamoDB call for appointment reminders: finding the appointments
that start soon, and the reminder items that make each one go out once.

A reminder item is keyed by the appointment and its start, so a moved
appointment is reminded again for its new time. It is claimed by a
conditional Put (where none exists, or where a claim by a run that died has
gone stale), marked sent by a Put only the claimant can make, and released
by a Delete only the claimant can make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from appointments.domain import BOOKED, Appointment, to_iso
from appointments.repository import PROVIDER_INDEX, appointment_from
from clinicians.domain import SPECIALTIES
from medisecure import clock, dynamo
from medisecure.tables import APPOINTMENT_REMINDERS, APPOINTMENTS, PATIENTS, PROVIDERS
from patients import repository as patients
from patients.domain import Patient

CLAIMED = "claimed"
SENT = "sent"
PAGE = 200
BATCH_GET_LIMIT = 100
# Reminder items outlive their appointment by this much, then TTL removes them.
KEEP_AFTER_START = timedelta(days=2)


@dataclass(frozen=True)
class ReminderState:
    status: str  # CLAIMED or SENT
    claimed_at: str


def reminder_id(appointment: Appointment) -> str:
    return f"{appointment.appointment_id}#{to_iso(appointment.start)}"


def _pages(table, key_condition, *, index: str | None = None, filter_condition=None):
    """Every item of a Query, page by page (an operator's read, never a request's)."""
    start_key = None
    while True:
        items, start_key = dynamo.query(
            table, key_condition, index=index, limit=PAGE, start_key=start_key, filter_condition=filter_condition
        )
        yield from items
        if not start_key:
            return


def provider_ids() -> list[str]:
    """Every doctor, one Query on SpecialtyIndex per specialty (the providers
    table has no index over all doctors, and a Scan is not used)."""
    return [
        item["providerId"]
        for specialty in SPECIALTIES
        for item in _pages(PROVIDERS, Key("specialty").eq(specialty), index="SpecialtyIndex")
    ]


def booked_starting_between(provider_id: str, *, since: datetime, until: datetime) -> list[Appointment]:
    key = Key("providerId").eq(provider_id) & Key("scheduledDateTime").between(to_iso(since), to_iso(until))
    items = _pages(APPOINTMENTS, key, index=PROVIDER_INDEX, filter_condition=Attr("status").eq(BOOKED))
    return [appointment_from(item) for item in items]


def _chunks(values: list, size: int = BATCH_GET_LIMIT):
    return (values[start:start + size] for start in range(0, len(values), size))


def patients_by_id(patient_ids: list[str]) -> dict[str, Patient]:
    wanted, found = list(dict.fromkeys(patient_ids)), {}
    for chunk in _chunks(wanted):
        for values in dynamo.get_many([(PATIENTS, patients.patient_key(patient_id)) for patient_id in chunk]):
            patient = patients.patient_from(values)
            if patient is not None:
                found[patient.patient_id] = patient
    return found


def states(appointments: list[Appointment]) -> dict[str, ReminderState]:
    """The reminder items already there, by reminder id (a shortcut past
    reminders already sent; the claim's condition is what decides)."""
    ids, found = [reminder_id(appointment) for appointment in appointments], {}
    for chunk in _chunks(ids):
        for values in dynamo.get_many([(APPOINTMENT_REMINDERS, {"reminderId": rid}) for rid in chunk]):
            if values:
                found[values["reminderId"]] = ReminderState(values["status"], values.get("claimedAt", ""))
    return found


def _expiry(appointment: Appointment) -> int:
    return clock.epoch_seconds(appointment.start + KEEP_AFTER_START)


def _values(appointment: Appointment, status: str, token: str, claimed_at: str) -> dict:
    return {
        "reminderId": reminder_id(appointment),
        "appointmentId": appointment.appointment_id,
        "status": status,
        "claimToken": token,
        "claimedAt": claimed_at,
        "expiresAt": _expiry(appointment),
    }


def claim(appointment: Appointment, *, token: str, now: datetime, stale_before: datetime) -> bool:
    """Take the reminder for this run: True if no one has it (or the run that
    had it stopped before `stale_before` without sending it)."""
    free = Attr("reminderId").not_exists() | (Attr("status").eq(CLAIMED) & Attr("claimedAt").lt(to_iso(stale_before)))
    try:
        dynamo.client().put_item(
            TableName=dynamo.name(APPOINTMENT_REMINDERS),
            Item=dynamo.to_item(_values(appointment, CLAIMED, token, to_iso(now))),
            **dynamo.condition_kwargs(free),
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True


def mark_sent_entry(appointment: Appointment, *, token: str, claimed_at: datetime) -> dict:
    """A TransactWriteItems entry recording the reminder as sent, only while
    this run's claim holds."""
    return {
        "Put": {
            "TableName": dynamo.name(APPOINTMENT_REMINDERS),
            "Item": dynamo.to_item({**_values(appointment, SENT, token, to_iso(claimed_at)), "sentAt": to_iso(clock.now())}),
            **dynamo.condition_kwargs(Attr("claimToken").eq(token)),
        }
    }


def release(appointment: Appointment, *, token: str) -> None:
    """Give the reminder back for the next run, unless another run has it."""
    try:
        dynamo.client().delete_item(
            TableName=dynamo.name(APPOINTMENT_REMINDERS),
            Key=dynamo.to_item({"reminderId": reminder_id(appointment)}),
            **dynamo.condition_kwargs(Attr("claimToken").eq(token) & Attr("status").eq(CLAIMED)),
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
