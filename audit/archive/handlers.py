"""The archiver: the audit table's stream, kept record by record in the
write-once archive (audit.archive.domain says where each record goes).

`archive_records` is a stream handler (medisecure.streams): the local stack's
`stream_consumer` process calls it, and in AWS the Lambda function behind the
table's event source mapping does (audit.archive.lambda_handler). It is
idempotent: a record's key depends only on the record and the archive never
overwrites a key, so a batch handed over again writes nothing new, and the
alert of a MODIFY or REMOVE is sent once, by the delivery that kept it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from audit.archive import writer_repository
from audit.archive.domain import change_key, event_key, is_chain_head, ndjson_line
from medisecure.streams import INSERT, StreamRecord

# Puts in flight at once: S3 takes them in parallel; a batch is done when all are.
PARALLEL_PUTS = 8


def _archived(record: StreamRecord) -> dict[str, Any]:
    return {
        "eventName": record.event_name,
        "sequenceNumber": record.sequence_number,
        "approximateCreationDateTime": record.created_at.isoformat(),
        "byTtl": record.by_ttl,
        "newImage": record.raw_new_image,
        "oldImage": record.raw_old_image,
    }


def _placed(record: StreamRecord) -> tuple[str, bytes] | None:
    """Where a record is kept and what is kept, or None for a chain head's
    change (heads are re-derived from the events; they are not the trail)."""
    if record.event_name == INSERT:
        if record.new_image is None or is_chain_head(record.new_image):
            return None
        return event_key(record.new_image), ndjson_line(_archived(record))
    image = record.old_image or record.new_image or record.keys
    if is_chain_head(image):
        return None
    return change_key(image, record.event_name, record.sequence_number), ndjson_line(_archived(record))


def archive_records(records: list[StreamRecord]) -> None:
    """Keep every record of a batch; raise if any could not be kept (the
    consumer then hands the whole batch over again)."""
    placed = [(record, where) for record in records if (where := _placed(record)) is not None]
    with ThreadPoolExecutor(max_workers=PARALLEL_PUTS) as pool:
        written = list(pool.map(lambda entry: writer_repository.put_once(*entry[1]), placed))
    for (record, (key, _)), new in zip(placed, written):
        if new and record.event_name != INSERT:
            _alert(record, key)


def _alert(record: StreamRecord, key: str) -> None:
    image = record.old_image or record.keys
    how = "expired by TTL" if record.by_ttl else ("modified" if record.event_name == "MODIFY" else "deleted")
    writer_repository.alert(
        f"Audit event {how}",
        f"The audit event {image.get('eventId', '?')} (chain {image.get('chainId', '?')}, "
        f"sequence {image.get('chainSeq', '?')}) was {how} in the audit table "
        f"({record.event_name}, stream record {record.sequence_number}). Events are append-only: "
        f"unless this is the end of its retention, someone rewrote the trail. The earlier copy is "
        f"kept in the archive at {key}.",
    )
