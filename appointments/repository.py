"""Every DynamoDB call for appointments and their slot locks.

Writes are added to a unit of work (medisecure.unit_of_work.Transaction),
each with the condition that makes it safe against a concurrent writer and
the domain exception DynamoDB's refusal of it raises: a new appointment only
where none has its id (AppointmentExists), a new lock only where none exists
(DoctorSlotTaken or PatientBusy, by whose lock it is), a lock released only
by the appointment that holds it, an appointment replaced only at the
version it was read at (ConcurrentUpdate). Where several writes are refused,
the one added first decides: callers add them in the order of precedence
their outcome needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from boto3.dynamodb.conditions import Attr, Key

from appointments.domain import (
    BOOKED,
    CANCELLED,
    HOLDING,
    PROVIDER_LOCK_PREFIX,
    Appointment,
    AppointmentExists,
    DoctorSlotTaken,
    PatientBusy,
)
from medisecure import clock, dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.tables import APPOINTMENTS, SLOT_LOCKS
from medisecure.unit_of_work import Refusal, Transaction

# The booking page reads a doctor's appointments over a few weeks; a page of
# a Query holds up to 1 MB, so a handful of pages is far beyond any schedule.
MAX_SCHEDULE_PAGES = 5
SCHEDULE_PAGE = 500
PATIENT_INDEX = "PatientAppointmentsIndex"
PROVIDER_INDEX = "ProviderAppointmentsIndex"
DAY_INDEX = "DayIndex"
REMINDER_PAGE = 200
# A patient's past appointments are listed back to this date; upcoming ones up to the other.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
PATIENT_PAGE = 20

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
    "visit_type_id": "visitTypeId",
    "visit_type_name": "visitTypeName",
    "location_id": "locationId",
    "location_name": "locationName",
    "location_address": "locationAddress",
    "location_phone": "locationPhone",
    "specialty": "specialty",
}


def _appointment_values(appointment: Appointment) -> dict:
    values = {attribute: getattr(appointment, name) for name, attribute in _APPOINTMENT_ATTRIBUTES.items()}
    values = {attribute: value for attribute, value in values.items() if value != ""}
    start = clock.stamp(appointment.start)
    values["scheduledDateTime"] = start
    # The UTC date of the start: DayIndex's key, for the day's reminders.
    values["scheduledDate"] = start[:10]
    values["endDateTime"] = clock.stamp(appointment.end)
    values["lockIds"] = list(appointment.lock_ids)
    values["version"] = appointment.version
    values["sequence"] = appointment.sequence
    if appointment.telehealth:
        values["telehealth"] = True
    return values


def appointment_from(values: dict) -> Appointment:
    fields = {name: values.get(attribute, "") for name, attribute in _APPOINTMENT_ATTRIBUTES.items()}
    return Appointment(
        **fields,
        start=clock.from_stamp(values["scheduledDateTime"]),
        end=clock.from_stamp(values["endDateTime"]),
        lock_ids=tuple(values.get("lockIds", [])),
        version=int(values.get("version", 1)),
        sequence=int(values.get("sequence", 0)),
        telehealth=bool(values.get("telehealth", False)),
    )


def _appointment_or_none(values: dict | None) -> Appointment | None:
    return appointment_from(values) if values else None


def get(appointment_id: str) -> Appointment | None:
    return _appointment_or_none(dynamo.get(APPOINTMENTS, {"appointmentId": appointment_id}))


def appointment_read(appointment_id: str) -> dynamo.ItemRead[Appointment | None]:
    """The appointment, to read in one round trip with other items
    (medisecure.dynamo.read_together)."""
    return dynamo.ItemRead(APPOINTMENTS, {"appointmentId": appointment_id}, _appointment_or_none)


# --- Writes, added to a unit of work ------------------------------------------------


def appointment_add(tx: Transaction, appointment: Appointment) -> None:
    """Store a new appointment (without its locks: locks_take adds them, in
    the order the caller's outcome needs)."""
    tx.add(
        dynamo.put_entry(APPOINTMENTS, _appointment_values(appointment), Attr("appointmentId").not_exists()),
        refused=AppointmentExists,
    )


def _taken_refusal(lock_id: str) -> type[Exception]:
    # A doctor's lock held means the time is taken; only a patient's, that
    # the patient is elsewhere then.
    return DoctorSlotTaken if lock_id.startswith(PROVIDER_LOCK_PREFIX) else PatientBusy


def _free_lock():
    """A lock no one holds: none there, or a waitlist hold (the only locks
    with holdExpiresAt) whose 15 minutes have passed. An appointment's lock
    is never free."""
    return Attr("lockId").not_exists() | Attr("holdExpiresAt").lt(clock.epoch_seconds())


def locks_take(tx: Transaction, appointment: Appointment, lock_ids: Iterable[str]) -> None:
    """Hold `lock_ids` for the appointment, each only where no one holds it."""
    for lock_id in lock_ids:
        values = {
            "lockId": lock_id,
            "appointmentId": appointment.appointment_id,
            "expiresAt": appointment.locks_expire_at,
        }
        tx.add(dynamo.put_entry(SLOT_LOCKS, values, _free_lock()), refused=_taken_refusal(lock_id))


def hold_locks_take(tx: Transaction, *, hold_id: str, lock_ids: Iterable[str], expires_at: int) -> None:
    """Hold a freed slot's locks for a waitlisted patient until `expires_at`
    (epoch seconds), each only where no one holds it (DoctorSlotTaken): the
    same lock items a booking takes, so a held slot cannot be booked."""
    for lock_id in lock_ids:
        values = {
            "lockId": lock_id,
            "appointmentId": hold_owner(hold_id),
            "expiresAt": expires_at,
            "holdExpiresAt": expires_at,
        }
        tx.add(dynamo.put_entry(SLOT_LOCKS, values, _free_lock()), refused=DoctorSlotTaken)


def hold_owner(hold_id: str) -> str:
    return f"hold-{hold_id}"


def held_locks_claim(tx: Transaction, appointment: Appointment, *, hold_id: str, refused: Refusal) -> None:
    """Turn a live hold's locks into the appointment's: only while the hold
    is the holder and its time has not run out (`refused` otherwise)."""
    guard = Attr("appointmentId").eq(hold_owner(hold_id)) & Attr("holdExpiresAt").gte(clock.epoch_seconds())
    for lock_id in appointment.provider_locks:
        values = {
            "lockId": lock_id,
            "appointmentId": appointment.appointment_id,
            "expiresAt": appointment.locks_expire_at,
        }
        tx.add(dynamo.put_entry(SLOT_LOCKS, values, guard), refused=refused)


def _locks_release(
    tx: Transaction, appointment_id: str, lock_ids: Iterable[str], *, refused: Refusal
) -> None:
    # Only the holder's own locks: a lock someone else holds is never removed.
    for lock_id in lock_ids:
        tx.add(
            dynamo.delete_entry(SLOT_LOCKS, {"lockId": lock_id}, Attr("appointmentId").eq(appointment_id)),
            refused=refused,
        )


def _replace(tx: Transaction, before: Appointment, after: Appointment) -> None:
    guard = Attr("version").eq(before.version) & Attr("status").eq(before.status)
    tx.add(dynamo.put_entry(APPOINTMENTS, _appointment_values(after), guard), refused=ConcurrentUpdate)


def status_change_add(tx: Transaction, before: Appointment, after: Appointment) -> None:
    """Move an appointment to `after`'s status, only if it is still as it was
    read (ConcurrentUpdate). Leaving BOOKED for cancelled frees its slot: its
    locks go in the same transaction."""
    _replace(tx, before, after)
    if before.status == BOOKED and after.status == CANCELLED:
        _locks_release(tx, before.appointment_id, before.lock_ids, refused=ConcurrentUpdate)


def move_add(tx: Transaction, before: Appointment, after: Appointment) -> None:
    """Move an appointment to `after`'s time: the units only the new time
    covers are locked, those only the old time covered are released, and
    the units both share stay held (DynamoDB allows one write per item in a
    transaction). Refused as ConcurrentUpdate if the appointment changed
    meanwhile; else as DoctorSlotTaken if any of the doctor's locks is
    refused, PatientBusy if only the patient's are."""
    kept = set(before.lock_ids) & set(after.lock_ids)
    taken = [lock_id for lock_id in after.lock_ids if lock_id not in kept]
    released = [lock_id for lock_id in before.lock_ids if lock_id not in kept]
    _replace(tx, before, after)
    # The doctor's locks before the patient's, so a refused one of the
    # doctor's decides. A lock of ours that is no longer ours counts as taken.
    for doctors in (True, False):
        locks_take(tx, after, [lock for lock in taken if lock.startswith(PROVIDER_LOCK_PREFIX) == doctors])
        for lock_id in released:
            if lock_id.startswith(PROVIDER_LOCK_PREFIX) == doctors:
                _locks_release(tx, before.appointment_id, [lock_id], refused=_taken_refusal(lock_id))


# --- Reads --------------------------------------------------------------------------


def _range(owner: str, owner_id: str, since: datetime, until: datetime):
    return Key(owner).eq(owner_id) & Key("scheduledDateTime").between(clock.stamp(since), clock.stamp(until))


# A patient's lists run from a moment that moves (now): their page tokens
# name the patient and the direction, not that moment, so a next page still
# opens minutes later.


def upcoming_by_patient(
    patient_id: str, *, now: datetime, page_token: str | None = None, status: str = BOOKED
) -> tuple[list[Appointment], str | None]:
    """One page of a patient's appointments with `status` starting from
    `now`, soonest first: upcoming visits are the booked ones, the cancelled
    ones are listed apart. One Query (filtered on the status, so a page may
    hold fewer than PATIENT_PAGE)."""
    # A later page goes on after the last appointment shown, which may have
    # started since: its range starts at the beginning (DynamoDB refuses a
    # start key outside the range) and the token's position bounds it.
    since = now if page_token is None else EARLIEST
    page = dynamo.query_page(
        APPOINTMENTS,
        _range("patientId", patient_id, since, LATEST),
        index=PATIENT_INDEX,
        list_name=f"appointments:patient:{patient_id}:upcoming:{status}",
        limit=PATIENT_PAGE,
        page_token=page_token,
        filter_condition=Attr("status").eq(status),
    )
    return [appointment_from(item) for item in page.items], page.next_token


def past_by_patient(
    patient_id: str, *, now: datetime, page_token: str | None = None
) -> tuple[list[Appointment], str | None]:
    """One page of a patient's appointments that started before `now`, latest first."""
    page = dynamo.query_page(
        APPOINTMENTS,
        _range("patientId", patient_id, EARLIEST, now),
        index=PATIENT_INDEX,
        list_name=f"appointments:patient:{patient_id}:past",
        limit=PATIENT_PAGE,
        page_token=page_token,
        newest_first=True,
    )
    return [appointment_from(item) for item in page.items], page.next_token


def booked_by_patient(patient_id: str, *, since: datetime, limit: int) -> list[Appointment]:
    """A patient's booked appointments from `since`, soonest first: one Query
    reading `limit` appointments, of which the booked ones are kept."""
    items, _ = dynamo.query(
        APPOINTMENTS,
        Key("patientId").eq(patient_id) & Key("scheduledDateTime").gte(clock.stamp(since)),
        index=PATIENT_INDEX,
        limit=limit,
        filter_condition=Attr("status").eq(BOOKED),
    )
    booked = []
    for item in items:
        # The chart lists these: an item missing its times is left off the
        # list rather than keeping the doctor from the chart.
        try:
            booked.append(appointment_from(item))
        except (KeyError, ValueError):
            continue
    return booked


def list_by_provider(
    provider_id: str,
    *,
    since: datetime,
    until: datetime,
    limit: int = 50,
    page_token: str | None = None,
) -> tuple[list[Appointment], str | None]:
    """One page of a doctor's appointments starting in [since, until], soonest first."""
    page = dynamo.query_page(
        APPOINTMENTS,
        _range("providerId", provider_id, since, until),
        index=PROVIDER_INDEX,
        list_name=f"appointments:{provider_id}:{clock.stamp(since)}:{clock.stamp(until)}",
        limit=limit,
        page_token=page_token,
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
        clock.stamp(since - timedelta(hours=1)), clock.stamp(until)
    )
    spans, start_key = [], None
    for _ in range(MAX_SCHEDULE_PAGES):
        kwargs = {
            "TableName": dynamo.name(APPOINTMENTS),
            "IndexName": PROVIDER_INDEX,
            "Limit": SCHEDULE_PAGE,
            **dynamo.query_kwargs(key, Attr("status").is_in(list(HOLDING))),
        }
        kwargs.update(_projection(kwargs, "scheduledDateTime", "endDateTime"))
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        response = dynamo.client().query(**kwargs)
        for item in map(dynamo.from_item, response.get("Items", [])):
            spans.append((clock.from_stamp(item["scheduledDateTime"]), clock.from_stamp(item["endDateTime"])))
        start_key = response.get("LastEvaluatedKey")
        if not start_key:
            break
    return spans


def booked_starting_between(since: datetime, until: datetime) -> Iterator[Appointment]:
    """Every booked appointment starting in [since, until], from DayIndex:
    one Query per UTC date the range touches (more for a very busy day)."""
    day = since.date()
    while day <= until.date():
        key = Key("scheduledDate").eq(day.isoformat()) & Key("scheduledDateTime").between(
            clock.stamp(since), clock.stamp(until)
        )
        start_key = None
        while True:
            items, start_key = dynamo.query(
                APPOINTMENTS,
                key,
                index=DAY_INDEX,
                limit=REMINDER_PAGE,
                start_key=start_key,
                filter_condition=Attr("status").eq(BOOKED),
            )
            yield from (appointment_from(item) for item in items)
            if not start_key:
                break
        day += timedelta(days=1)


def starting_between(since: datetime, until: datetime, *, limit: int = REMINDER_PAGE) -> list[Appointment]:
    """Every appointment (of any status and doctor) starting in [since,
    until], from DayIndex: one Query per UTC date the range touches (a
    clinic day touches two), up to `limit` each."""
    found: list[Appointment] = []
    day = since.date()
    while day <= until.date():
        key = Key("scheduledDate").eq(day.isoformat()) & Key("scheduledDateTime").between(
            clock.stamp(since), clock.stamp(until)
        )
        items, _ = dynamo.query(APPOINTMENTS, key, index=DAY_INDEX, limit=limit)
        found += [appointment_from(item) for item in items]
        day += timedelta(days=1)
    return found
