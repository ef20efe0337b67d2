"""Every DynamoDB call for the waitlist: entries under their list's key in
the order joined, one guard per patient and list, and holds (by id, and
under "holds" in order of expiry for the sweep). Each write conditional."""

from __future__ import annotations

from datetime import datetime

from boto3.dynamodb.conditions import Attr, Key

from appointments.waitlist.domain import WAITING, AlreadyWaiting, Hold, HoldGone, WaitEntry, list_key
from medisecure import clock, dynamo
from medisecure.tables import WAITLIST
from medisecure.unit_of_work import Transaction

HOLDS = "holds"
FIRST_WAITING_READ = 25
# A list's items go a year after they are done with.
PURGE_SECONDS = 365 * 24 * 3600


def _member_key(entry: WaitEntry) -> dict:
    return {
        "waitKey": f"member#{entry.provider_id}#{entry.visit_type_id}#{entry.patient_id}",
        "joinedAt": "-",
    }


def _entry_values(entry: WaitEntry) -> dict:
    return {
        "waitKey": entry.list_key,
        "joinedAt": entry.joined_at,
        "providerId": entry.provider_id,
        "visitTypeId": entry.visit_type_id,
        "patientId": entry.patient_id,
        "status": entry.status,
    }


def _entry_from(values: dict) -> WaitEntry:
    return WaitEntry(
        provider_id=values["providerId"],
        visit_type_id=values.get("visitTypeId", ""),
        patient_id=values["patientId"],
        joined_at=values["joinedAt"],
        status=values.get("status", WAITING),
    )


def entry_join_add(tx: Transaction, entry: WaitEntry) -> None:
    """The entry and its guard: once per patient and list (AlreadyWaiting)."""
    tx.add(
        dynamo.put_entry(
            WAITLIST, {**_member_key(entry), "patientId": entry.patient_id}, Attr("waitKey").not_exists()
        ),
        refused=AlreadyWaiting,
    )
    tx.add(
        dynamo.put_entry(WAITLIST, _entry_values(entry), Attr("waitKey").not_exists()), refused=AlreadyWaiting
    )


def entry_status_add(tx: Transaction, entry: WaitEntry, *, status: str, was: str, refused=HoldGone) -> None:
    guard = Attr("status").eq(was)
    values = {**_entry_values(entry), "status": status}
    if status != WAITING:
        values["purgeAt"] = clock.epoch_seconds() + PURGE_SECONDS
    tx.add(dynamo.put_entry(WAITLIST, values, guard), refused=refused)
    if status != WAITING:
        # Off the list: the patient may join it again.
        tx.add(dynamo.delete_entry(WAITLIST, _member_key(entry)))


def first_waiting(provider_id: str, visit_type_id: str, *, skip: set[str]) -> WaitEntry | None:
    """The first patient still waiting on the list (one Query, in join order)."""
    items, _ = dynamo.query(
        WAITLIST,
        Key("waitKey").eq(list_key(provider_id, visit_type_id)),
        limit=FIRST_WAITING_READ,
        filter_condition=Attr("status").eq(WAITING),
    )
    for item in items:
        entry = _entry_from(item)
        if entry.patient_id not in skip:
            return entry
    return None


def _hold_values(hold: Hold) -> dict:
    return {
        "holdId": hold.hold_id,
        "providerId": hold.provider_id,
        "visitTypeId": hold.visit_type_id,
        "patientId": hold.patient_id,
        "entryJoinedAt": hold.entry_joined_at,
        "start": clock.stamp(hold.start),
        "end": clock.stamp(hold.end),
        "holdExpires": clock.stamp(hold.expires_at),
        "lockIds": list(hold.lock_ids),
        "status": hold.status,
        "purgeAt": clock.epoch_seconds(hold.expires_at) + PURGE_SECONDS,
    }


def _hold_from(values: dict | None) -> Hold | None:
    if not values:
        return None
    return Hold(
        hold_id=values["holdId"],
        provider_id=values["providerId"],
        visit_type_id=values.get("visitTypeId", ""),
        patient_id=values["patientId"],
        entry_joined_at=values["entryJoinedAt"],
        start=clock.from_stamp(values["start"]),
        end=clock.from_stamp(values["end"]),
        expires_at=clock.from_stamp(values["holdExpires"]),
        lock_ids=tuple(values.get("lockIds", [])),
        status=values.get("status", ""),
    )


def _hold_key(hold_id: str) -> dict:
    return {"waitKey": f"hold#{hold_id}", "joinedAt": "-"}


def _sweep_key(hold: Hold) -> dict:
    return {"waitKey": HOLDS, "joinedAt": f"{clock.stamp(hold.expires_at)}#{hold.hold_id}"}


def hold_read(hold_id: str) -> dynamo.ItemRead[Hold | None]:
    return dynamo.ItemRead(WAITLIST, _hold_key(hold_id), _hold_from)


def hold_add(tx: Transaction, hold: Hold) -> None:
    values = _hold_values(hold)
    tx.add(dynamo.put_entry(WAITLIST, {**_hold_key(hold.hold_id), **values}, Attr("waitKey").not_exists()))
    tx.add(dynamo.put_entry(WAITLIST, {**_sweep_key(hold), **values}, Attr("waitKey").not_exists()))


def hold_close_add(tx: Transaction, hold: Hold, *, status: str) -> None:
    """Close an offered hold (claimed or expired), only if still offered
    (HoldGone); it leaves the sweep's list."""
    tx.add(
        dynamo.put_entry(
            WAITLIST,
            {**_hold_key(hold.hold_id), **_hold_values(hold.with_status(status))},
            Attr("status").eq(hold.status),
        ),
        refused=HoldGone,
    )
    tx.add(dynamo.delete_entry(WAITLIST, _sweep_key(hold)))


def holds_expired(now: datetime, *, limit: int = 100) -> list[Hold]:
    """Offered holds whose time ran out, soonest expired first (one Query)."""
    items, _ = dynamo.query(
        WAITLIST, Key("waitKey").eq(HOLDS) & Key("joinedAt").lt(clock.stamp(now)), limit=limit
    )
    return [hold for hold in map(_hold_from, items) if hold is not None]
