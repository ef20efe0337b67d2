"""Restoring the audit trail from its archive alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from audit import repository as trail
from audit.archive import repository, restore_repository
from audit.archive.domain import UNCHAINED, ArchivedEvent, parse_key
from audit.archive.restore_repository import TargetNotEmpty
from audit.domain import ALLOWED, ChainHead
from audit.services import audit_record
from medisecure import dynamo
from medisecure.identity.actors import Actor, AuditContext

PARALLEL_READS = 8

__all__ = ["Restored", "TargetNotEmpty", "archive_restore"]


@dataclass(frozen=True)
class Restored:
    table: str
    events: int
    chains: int


def archive_restore(*, actor: Actor, audit: AuditContext, into: str) -> Restored:
    """Recreate every archived event, as first written, in the empty table
    `into`, and each chain's head from its last event. Raises
    TargetNotEmpty. An event written twice (deleted and put again) is
    restored as its first write. The restore is itself recorded."""
    if not restore_repository.is_empty(into):
        raise TargetNotEmpty(into)
    entries = [
        entry
        for key in repository.every_event_key()
        if isinstance(entry := parse_key(key), ArchivedEvent) and entry.chain_id != UNCHAINED
    ]
    with ThreadPoolExecutor(max_workers=PARALLEL_READS) as pool:
        records = list(pool.map(lambda entry: restore_repository.record(entry.key), entries))
    first: dict[str, tuple[ArchivedEvent, dict[str, Any]]] = {}
    for entry, record in zip(entries, records):
        kept = first.get(entry.event_id)
        if kept is None or int(record["sequenceNumber"]) < int(kept[1]["sequenceNumber"]):
            first[entry.event_id] = (entry, record)
    heads: dict[str, ChainHead] = {}
    for entry, record in first.values():
        restore_repository.put_new(into, record["newImage"])
        head = heads.get(entry.chain_id)
        if head is None or entry.chain_seq > head.last_seq:
            heads[entry.chain_id] = ChainHead(entry.chain_id, entry.chain_seq, entry.hash, entry.timestamp)
    for head in heads.values():
        restore_repository.put_new(into, dynamo.to_item(trail.head_values(head)))
    trail.forget_written_heads()
    audit_record(
        actor=actor,
        audit=audit,
        action="audit.restore",
        outcome=ALLOWED,
        resource_type="audit_trail",
        detail={"table": into, "events": len(first), "chains": len(heads)},
    )
    return Restored(into, len(first), len(heads))
