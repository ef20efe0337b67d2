"""Every DynamoDB call for availability, appointments and slot locks.

Writes that belong in a transaction with their audit event are returned as
TransactWriteItems entries (`*_entries`) for audit_record(with_writes=...);
each carries the condition that makes it safe against a concurrent writer:
a new lock only where none exists, a lock released only by the appointment
that holds it, an appointment replaced only at the version it was read at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterator

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from appointments.domain import (
    BOOKED,
    CANCELLED,
    Appointment,
    Availability,
    Break,
    ExtraHours,
    WeeklyRule,
    from_iso,
    to_iso,
)
from audit import repository as audit_repository
from audit.domain import ChainHead
from clinicians import repository as providers
from clinicians.domain import Provider
from medisecure import clock, dynamo
from medisecure.tables import APPOINTMENTS, AUDIT_LOGS, AVAILABILITY, CARE_TEAM, PATIENTS, PROVIDERS, SLOT_LOCKS, physical_name
from patients import repository as patients
from patients.domain import Patient

# Locks outlive their slot by a day, then DynamoDB may drop them; a slot in
# the past can no longer be booked, so an expired lock guards nothing.
LOCK_GRACE = timedelta(days=1)
# The booking page reads a doctor's appointments over a few weeks; a page of
# a Query holds up to 1 MB, so a handful of pages is far beyond any schedule.
MAX_SCHEDULE_PAGES = 5
SCHEDULE_PAGE = 500
PATIENT_INDEX = "PatientAppointmentsIndex"
PROVIDER_INDEX = "ProviderAppointmentsIndex"
DAY_INDEX = "DayIndex"
REMINDER_PAGE = 200


# Each entry names its table literally, so the task role's check can read
# which tables a transaction writes (deploy/aws/tests/code_calls.py).
def _put_appointment(values: dict, condition) -> dict:
    return {"Put": {"TableName": dynamo.name(APPOINTMENTS), "Item": dynamo.to_item(values), **dynamo.condition_kwargs(condition)}}


def _put_lock(values: dict, condition) -> dict:
    return {"Put": {"TableName": dynamo.name(SLOT_LOCKS), "Item": dynamo.to_item(values), **dynamo.condition_kwargs(condition)}}


def _delete_lock(key: dict, condition) -> dict:
    return {"Delete": {"TableName": dynamo.name(SLOT_LOCKS), "Key": dynamo.to_item(key), **dynamo.condition_kwargs(condition)}}


def _put_availability(values: dict, condition) -> dict:
    return {"Put": {"TableName": dynamo.name(AVAILABILITY), "Item": dynamo.to_item(values), **dynamo.condition_kwargs(condition)}}


@dataclass(frozen=True)
class Refusals:
    """Which of a cancelled transaction's writes had their condition fail:
    their tables (by logical name) and, for locks, the lock ids."""

    tables: frozenset[str]
    lock_ids: frozenset[str]


def refusals(error: ClientError, writes: list[dict]) -> Refusals:
    # The audit event and its chain head come first in the transaction;
    # `writes` are its last entries.
    codes = dynamo.cancellation_codes(error)[-len(writes):] if writes else []
    names = {physical_name(table): table.name for table in (APPOINTMENTS, SLOT_LOCKS, AVAILABILITY, CARE_TEAM)}
    tables, lock_ids = set(), set()
    for write, code in zip(writes, codes):
        if code != "ConditionalCheckFailed":
            continue
        operation = next(iter(write.values()))
        table = names.get(operation["TableName"], operation["TableName"])
        tables.add(table)
        if table == SLOT_LOCKS.name:
            lock_ids.add(dynamo.from_item(operation.get("Item") or operation["Key"])["lockId"])
    return Refusals(frozenset(tables), frozenset(lock_ids))


# --- Availability ------------------------------------------------------------


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _time(text: str) -> time:
    return time.fromisoformat(text)


def _availability_values(availability: Availability) -> dict:
    return {
        "providerId": availability.provider_id,
        "version": availability.version,
        "rules": [
            {
                "weekday": rule.weekday,
                "start": _hhmm(rule.start),
                "end": _hhmm(rule.end),
                "slotMinutes": rule.slot_minutes,
                "breaks": [f"{_hhmm(pause.start)}-{_hhmm(pause.end)}" for pause in rule.breaks],
            }
            for rule in availability.rules
        ],
        "daysOff": [day.isoformat() for day in availability.days_off],
        "extraHours": [
            {"day": extra.day.isoformat(), "start": _hhmm(extra.start), "end": _hhmm(extra.end), "slotMinutes": extra.slot_minutes}
            for extra in availability.extra_hours
        ],
        "notifyByEmail": availability.notify_by_email,
        "updatedAt": to_iso(clock.now()),
    }


def _break(text: str) -> Break:
    start, end = text.split("-")
    return Break(_time(start), _time(end))


def availability_from(provider_id: str, values: dict | None) -> Availability:
    """A doctor's availability; an empty one if they never set any."""
    if not values:
        return Availability(provider_id=provider_id)
    return Availability(
        provider_id=provider_id,
        rules=tuple(
            WeeklyRule(
                weekday=int(rule["weekday"]),
                start=_time(rule["start"]),
                end=_time(rule["end"]),
                slot_minutes=int(rule["slotMinutes"]),
                breaks=tuple(_break(text) for text in rule.get("breaks", [])),
            )
            for rule in values.get("rules", [])
        ),
        days_off=tuple(date.fromisoformat(day) for day in values.get("daysOff", [])),
        extra_hours=tuple(
            ExtraHours(date.fromisoformat(extra["day"]), _time(extra["start"]), _time(extra["end"]), int(extra["slotMinutes"]))
            for extra in values.get("extraHours", [])
        ),
        version=int(values.get("version", 0)),
        notify_by_email=bool(values.get("notifyByEmail", False)),
    )


def availability_get(provider_id: str) -> Availability:
    return availability_from(provider_id, dynamo.get(AVAILABILITY, {"providerId": provider_id}))


def availability_with_provider(provider_id: str) -> tuple[Availability, Provider | None]:
    availability, provider = dynamo.get_many(
        [(AVAILABILITY, {"providerId": provider_id}), (PROVIDERS, providers.provider_key(provider_id))]
    )
    return availability_from(provider_id, availability), providers.provider_from(provider)


def availability_save_entry(availability: Availability, *, expected_version: int) -> dict:
    """Store `availability`, only if no one saved another since `expected_version`."""
    guard = Attr("providerId").not_exists() if expected_version == 0 else Attr("version").eq(expected_version)
    return _put_availability(_availability_values(availability), guard)


# --- Appointments ----------------------------------------------------------------

_APPOINTMENT_ATTRIBUTES = {
    "appointment_id": "appointmentId",
    "patient_id": "patientId",
    "provider_id": "providerId",
    "reason": "reason",
    "status": "status",
    "created_at": "createdAt",
    "patient_name": "patientName",
    "provider_name": "providerName",
    "updated_at": "updatedAt",
    "cancelled_by": "cancelledBy",
    "cancel_reason": "cancelReason",
    "overbook_reason": "overbookReason",
}


def _appointment_values(appointment: Appointment) -> dict:
    values = {attribute: getattr(appointment, name) for name, attribute in _APPOINTMENT_ATTRIBUTES.items()}
    values = {attribute: value for attribute, value in values.items() if value != ""}
    values["scheduledDateTime"] = to_iso(appointment.start)
    values["scheduledDate"] = to_iso(appointment.start)[:10]
    values["endDateTime"] = to_iso(appointment.end)
    values["lockIds"] = list(appointment.lock_ids)
    values["version"] = appointment.version
    return values


def appointment_from(values: dict) -> Appointment:
    fields = {name: values.get(attribute, "") for name, attribute in _APPOINTMENT_ATTRIBUTES.items()}
    return Appointment(
        **fields,
        start=from_iso(values["scheduledDateTime"]),
        end=from_iso(values["endDateTime"]),
        lock_ids=tuple(values.get("lockIds", [])),
        version=int(values.get("version", 1)),
    )


def get(appointment_id: str) -> Appointment | None:
    values = dynamo.get(APPOINTMENTS, {"appointmentId": appointment_id})
    return appointment_from(values) if values else None


def get_with_audit_head(appointment_id: str, *, chain_id: str) -> tuple[Appointment | None, ChainHead]:
    """An appointment and the head of the audit chain its read or change will
    be recorded on, in one consistent round trip."""
    values, head = dynamo.get_many(
        [(APPOINTMENTS, {"appointmentId": appointment_id}), (AUDIT_LOGS, audit_repository.head_key(chain_id))],
        consistent=True,
    )
    return (appointment_from(values) if values else None), audit_repository.head_from(chain_id, head)


@dataclass(frozen=True)
class BookingReads:
    """What booking needs to know, read in one round trip."""

    availability: Availability
    provider: Provider | None
    patient: Patient | None
    in_care_team: bool
    head: ChainHead


def booking_reads(*, provider_id: str, patient_id: str, chain_id: str) -> BookingReads:
    availability, provider, patient, link, head = dynamo.get_many(
        [
            (AVAILABILITY, {"providerId": provider_id}),
            (PROVIDERS, providers.provider_key(provider_id)),
            (PATIENTS, patients.patient_key(patient_id)),
            (CARE_TEAM, patients.care_team_key(patient_id=patient_id, provider_id=provider_id)),
            (AUDIT_LOGS, audit_repository.head_key(chain_id)),
        ],
        consistent=True,
    )
    return BookingReads(
        availability=availability_from(provider_id, availability),
        provider=providers.provider_from(provider),
        patient=patients.patient_from(patient),
        in_care_team=link is not None,
        head=audit_repository.head_from(chain_id, head),
    )


def _lock_expiry(appointment: Appointment) -> int:
    return clock.epoch_seconds(appointment.end + LOCK_GRACE)


def _take_locks(appointment: Appointment, lock_ids) -> list[dict]:
    expires_at = _lock_expiry(appointment)
    return [
        _put_lock(
            {"lockId": lock_id, "appointmentId": appointment.appointment_id, "expiresAt": expires_at},
            Attr("lockId").not_exists(),
        )
        for lock_id in lock_ids
    ]


def _release_locks(appointment_id: str, lock_ids) -> list[dict]:
    # Only the holder's own locks: a lock someone else holds is never removed.
    return [_delete_lock({"lockId": lock_id}, Attr("appointmentId").eq(appointment_id)) for lock_id in lock_ids]


def book_entries(appointment: Appointment) -> list[dict]:
    """The new appointment and a lock for every unit it covers, for the doctor
    and for the patient: all written, or none."""
    new = _put_appointment(_appointment_values(appointment), Attr("appointmentId").not_exists())
    return [new, *_take_locks(appointment, appointment.lock_ids)]


def _replace(before: Appointment, after: Appointment) -> dict:
    guard = Attr("version").eq(before.version) & Attr("status").eq(before.status)
    return _put_appointment(_appointment_values(after), guard)


def status_change_entries(before: Appointment, after: Appointment) -> list[dict]:
    """Move an appointment to `after`'s status. Leaving BOOKED for cancelled
    frees its slot: its locks go in the same transaction."""
    entries = [_replace(before, after)]
    if before.status == BOOKED and after.status == CANCELLED:
        entries += _release_locks(before.appointment_id, before.lock_ids)
    return entries


def move_entries(before: Appointment, after: Appointment) -> list[dict]:
    """Move an appointment to `after`'s time: the units only the new time
    covers are locked, those only the old time covered are released, and
    the units both share stay held (DynamoDB allows one write per item in a
    transaction)."""
    kept = set(before.lock_ids) & set(after.lock_ids)
    taken = [lock_id for lock_id in after.lock_ids if lock_id not in kept]
    released = [lock_id for lock_id in before.lock_ids if lock_id not in kept]
    return [_replace(before, after), *_take_locks(after, taken), *_release_locks(before.appointment_id, released)]


def _range(owner: str, owner_id: str, since: datetime, until: datetime):
    return Key(owner).eq(owner_id) & Key("scheduledDateTime").between(to_iso(since), to_iso(until))


def _list_name(owner_id: str, since: datetime, until: datetime, newest_first: bool) -> str:
    return f"appointments:{owner_id}:{to_iso(since)}:{to_iso(until)}:{newest_first}"


def list_by_patient(
    patient_id: str, *, since: datetime, until: datetime, newest_first: bool = False, limit: int = 20, page_token: str | None = None
) -> tuple[list[Appointment], str | None]:
    """One page of a patient's appointments starting in [since, until]."""
    page = dynamo.query_page(
        APPOINTMENTS, _range("patientId", patient_id, since, until), index=PATIENT_INDEX,
        list_name=_list_name(patient_id, since, until, newest_first), limit=limit, page_token=page_token,
        newest_first=newest_first,
    )
    return [appointment_from(item) for item in page.items], page.next_token


def list_by_provider(
    provider_id: str, *, since: datetime, until: datetime, newest_first: bool = False, limit: int = 50, page_token: str | None = None
) -> tuple[list[Appointment], str | None]:
    """One page of a doctor's appointments starting in [since, until]."""
    page = dynamo.query_page(
        APPOINTMENTS, _range("providerId", provider_id, since, until), index=PROVIDER_INDEX,
        list_name=_list_name(provider_id, since, until, newest_first), limit=limit, page_token=page_token,
        newest_first=newest_first,
    )
    return [appointment_from(item) for item in page.items], page.next_token


def _projection(kwargs: dict, *attributes: str) -> dict:
    """ProjectionExpression for `attributes`, each named through an
    expression attribute name added to those the query's conditions use."""
    aliases = {f"#p{position}": attribute for position, attribute in enumerate(attributes)}
    return {
        "ProjectionExpression": ", ".join(aliases),
        "ExpressionAttributeNames": {**kwargs.get("ExpressionAttributeNames", {}), **aliases},
    }


def booked_spans(provider_id: str, *, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """When a doctor is booked between two times: only the times and status
    are read (no patient's details leave the table), usually in one Query."""
    # An appointment that began before `since` may still run into it.
    key = Key("providerId").eq(provider_id) & Key("scheduledDateTime").between(
        to_iso(since - timedelta(hours=1)), to_iso(until)
    )
    spans, start_key = [], None
    for _ in range(MAX_SCHEDULE_PAGES):
        kwargs = {
            "TableName": dynamo.name(APPOINTMENTS),
            "IndexName": PROVIDER_INDEX,
            "Limit": SCHEDULE_PAGE,
            **dynamo.query_kwargs(key, Attr("status").eq(BOOKED)),
        }
        kwargs.update(_projection(kwargs, "scheduledDateTime", "endDateTime"))
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        response = dynamo.client().query(**kwargs)
        for item in map(dynamo.from_item, response.get("Items", [])):
            spans.append((from_iso(item["scheduledDateTime"]), from_iso(item["endDateTime"])))
        start_key = response.get("LastEvaluatedKey")
        if not start_key:
            break
    return spans


# --- Reminders ---------------------------------------------------------------


def booked_starting_between(since: datetime, until: datetime) -> Iterator[Appointment]:
    """Every booked appointment starting in [since, until], from DayIndex:
    one Query per UTC date the range touches (more for a very busy day)."""
    day = since.date()
    while day <= until.date():
        key = Key("scheduledDate").eq(day.isoformat()) & Key("scheduledDateTime").between(to_iso(since), to_iso(until))
        start_key = None
        while True:
            items, start_key = dynamo.query(
                APPOINTMENTS, key, index=DAY_INDEX, limit=REMINDER_PAGE, start_key=start_key,
                filter_condition=Attr("status").eq(BOOKED),
            )
            yield from (appointment_from(item) for item in items)
            if not start_key:
                break
        day += timedelta(days=1)


def _reminder_lock(appointment: Appointment) -> dict:
    # Per start time: an appointment moved after its reminder gets a new one.
    return {"lockId": f"reminder#{appointment.appointment_id}#{to_iso(appointment.start)}"}


# A reminder item is "claimed" while a run sends it and "sent" after. A claim
# whose run died before finishing goes stale and another run may take it.
REMINDER_CLAIMED = "claimed"
REMINDER_SENT = "sent"


def _reminder_put(values: dict, condition) -> None:
    dynamo.client().put_item(
        TableName=dynamo.name(SLOT_LOCKS), Item=dynamo.to_item(values), **dynamo.condition_kwargs(condition)
    )


def reminder_claim(appointment: Appointment, *, token: str, stale_before: datetime) -> bool:
    """Mark the appointment's reminder as being sent by the run holding
    `token`; False if another run sent it, or is sending it and claimed it
    since `stale_before`. DynamoDB decides."""
    free = Attr("lockId").not_exists() | (
        Attr("reminder").eq(REMINDER_CLAIMED) & Attr("claimedAt").lt(to_iso(stale_before))
    )
    values = {
        **_reminder_lock(appointment), "appointmentId": appointment.appointment_id,
        "expiresAt": _lock_expiry(appointment), "reminder": REMINDER_CLAIMED, "claimToken": token,
        "claimedAt": to_iso(clock.now()),
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
        **_reminder_lock(appointment), "appointmentId": appointment.appointment_id,
        "expiresAt": _lock_expiry(appointment), "reminder": REMINDER_SENT, "sentAt": to_iso(clock.now()),
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
            TableName=dynamo.name(SLOT_LOCKS), Key=dynamo.to_item(_reminder_lock(appointment)),
            **dynamo.condition_kwargs(Attr("claimToken").eq(token)),
        )
    except ClientError as error:
        if not dynamo.is_conditional_failure(error):
            raise
