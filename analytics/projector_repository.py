"""The projector's writes, every one an UpdateItem on the analytics table.

Run by the stream consumer's principal (locally `stream_consumer`, in AWS
the projector's Lambda role, which may do nothing else), never by the
portal's task role.

A stream record's moves land in one TransactWriteItems with its dedupe
mark (several records' in one, their moves added together): the mark
("seen", "<source>#<sequence number>") is set only if absent, so a record
handed over again is refused whole and counts nothing twice, and a record
whose transaction failed counted nothing at all. The marks go
by TTL a week later, long after the stream (24 hours) could hand the record
over again, so the table does not grow with them."""

from __future__ import annotations

from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from analytics.domain import FIRST_BOOKING, PROGRESS, SEEN, Cell
from medisecure import clock, dynamo
from medisecure.tables import ANALYTICS

SEEN_FOR = timedelta(days=7)
# TransactWriteItems takes at most 100 entries; a record moves at most ~20.
MOST_MOVES = 99


def _counter_entry(metric: str, cell: str, amount: int) -> dict:
    return {
        "Update": {
            "TableName": dynamo.name(ANALYTICS),
            "Key": {"metric": {"S": metric}, "cell": {"S": cell}},
            "UpdateExpression": "ADD #count :amount",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
        }
    }


def _mark_entry(record_id: str) -> dict:
    return {
        "Update": {
            "TableName": dynamo.name(ANALYTICS),
            "Key": {"metric": {"S": SEEN}, "cell": {"S": record_id}},
            "UpdateExpression": "SET #expires = :expires",
            "ConditionExpression": "attribute_not_exists(#metric)",
            "ExpressionAttributeNames": {"#expires": "expiresAt", "#metric": "metric"},
            "ExpressionAttributeValues": {
                ":expires": {"N": str(clock.epoch_seconds(clock.now() + SEEN_FOR))}
            },
        }
    }


def _counted(record_ids: list[str], moves: dict[Cell, int]) -> bool:
    """One transaction: every record's mark, set only if absent, and the
    moves. False (nothing written) when some record counted already."""
    entries = [_mark_entry(record_id) for record_id in record_ids] + [
        _counter_entry(metric, cell, amount) for (metric, cell), amount in sorted(moves.items()) if amount
    ]
    try:
        dynamo.client().transact_write_items(TransactItems=entries)
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True


def count_once(record_id: str, moves: dict[Cell, int]) -> bool:
    """ADD each move to its counter unless `record_id` counted already.
    True when it counted now."""
    if not moves:
        return False
    if len(moves) > MOST_MOVES:
        raise ValueError("a stream record moves more counters than one transaction holds")
    return _counted([record_id], moves)


def count_all_once(records: list[tuple[str, dict[Cell, int]]]) -> int:
    """count_once for each (record id, moves), several records to a
    transaction (their moves added together), so a batch of bookings in one
    week costs a few writes, not one per record. A group refused because one
    of its records counted before is counted again record by record. How
    many records counted now."""
    counted = 0
    group: list[str] = []
    merged: dict[Cell, int] = {}

    def flush() -> int:
        if not group:
            return 0
        if _counted(group, merged):
            return len(group)
        return sum(count_once(record_id, moves) for record_id, moves in records if record_id in set(group))

    for record_id, moves in records:
        if not moves:
            continue
        if len(moves) > MOST_MOVES:
            raise ValueError("a stream record moves more counters than one transaction holds")
        if len(group) + 1 + len({*merged, *moves}) > MOST_MOVES:
            counted += flush()
            group, merged = [], {}
        group.append(record_id)
        for each, amount in moves.items():
            merged[each] = merged.get(each, 0) + amount
    counted += flush()
    return counted


def first_booking_claim(patient: str, appointment: str) -> str:
    """The patient's first booking: the marker keeps the first appointment
    it was asked about, so asking again about the same one (a record handed
    over twice) gives the same answer. Both are pseudonyms
    (analytics.domain.pseudonym)."""
    response = dynamo.client().update_item(
        TableName=dynamo.name(ANALYTICS),
        Key={"metric": {"S": FIRST_BOOKING}, "cell": {"S": patient}},
        UpdateExpression="SET #first = if_not_exists(#first, :appointment)",
        ExpressionAttributeNames={"#first": "first"},
        ExpressionAttributeValues={":appointment": {"S": appointment}},
        ReturnValues="ALL_NEW",
    )
    return response["Attributes"]["first"]["S"]


def progress_mark(source: str, *, newest_record_at: datetime) -> None:
    """How far the projector has got on `source`'s stream: when the newest
    record it handled was made and when it handled it (the admin's lag)."""
    dynamo.client().update_item(
        TableName=dynamo.name(ANALYTICS),
        Key={"metric": {"S": PROGRESS}, "cell": {"S": source}},
        UpdateExpression="SET #newest = :newest, #handled = :handled",
        ExpressionAttributeNames={"#newest": "newestRecordAt", "#handled": "handledAt"},
        ExpressionAttributeValues={
            ":newest": {"S": clock.stamp(newest_record_at)},
            ":handled": {"S": clock.stamp()},
        },
    )
