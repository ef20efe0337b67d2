"""The audit archive: what an archived record is, where it is kept, and how
the table is compared with it.

Every change the audit table's stream carries is kept as one S3 object in a
bucket under Object Lock (COMPLIANCE): one line of JSON (an NDJSON object)
holding the stream record with the item's images exactly as DynamoDB sent
them. An event's INSERT is kept at

    events/<chainId>/<chainPos>/<eventId>/<hash>.ndjson

(chainPos is "<timestamp>#<sequence>", so a chain's objects list in chain
order and a period is a key range, and the listing alone says which event
sits where with which seal). Any MODIFY or REMOVE of an event (events are
append-only: these are tampering, or TTL at the end of the retention) is
kept with its old image at

    changes/<chainId>/<chainPos>/<eventId>/<MODIFY|REMOVE>-<stream sequence>.ndjson

A record's key depends only on the record, so a record delivered twice is
written to the same key, which the archive refuses to overwrite: the second
delivery changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from audit.domain import AuditEvent, Finding, is_intact

EVENTS_PREFIX = "events/"
CHANGES_PREFIX = "changes/"
SUFFIX = ".ndjson"
HEAD_PREFIX = "chainhead#"  # chain heads' eventId: not events, not archived
UNCHAINED = "unchained"
# After every chain position of a period's last day (as the table's index reads).
PAST_POSITION = "~"


def is_chain_head(image: dict[str, Any] | None) -> bool:
    return bool(image) and str(image.get("eventId", "")).startswith(HEAD_PREFIX)  # type: ignore[union-attr]


def _place(image: dict[str, Any]) -> str:
    """<chainId>/<chainPos>/<eventId> of an event's image; an item that
    claims no chain is kept under "unchained" by its key."""
    event_id = str(image.get("eventId", ""))
    if image.get("chainId") and image.get("chainPos"):
        return f"{image['chainId']}/{image['chainPos']}/{event_id}"
    return f"{UNCHAINED}/{image.get('timestamp', '')}/{event_id}"


def event_key(image: dict[str, Any]) -> str:
    return f"{EVENTS_PREFIX}{_place(image)}/{image.get('hash', 'unsealed')}{SUFFIX}"


def change_key(old_image: dict[str, Any], event_name: str, sequence_number: str) -> str:
    return f"{CHANGES_PREFIX}{_place(old_image)}/{event_name}-{sequence_number}{SUFFIX}"


def chain_range(prefix: str, chain_id: str, since: str, until: str) -> tuple[str, str]:
    """The first key before a chain's period and the last key it may have."""
    return f"{prefix}{chain_id}/{since}", f"{prefix}{chain_id}/{until}{PAST_POSITION}"


def ndjson_line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def parse_line(body: bytes) -> dict[str, Any]:
    return json.loads(body.decode("utf-8").splitlines()[0])


@dataclass(frozen=True)
class ArchivedEvent:
    """An event as the archive's listing names it."""

    chain_id: str
    chain_pos: str
    event_id: str
    hash: str
    key: str

    @property
    def chain_seq(self) -> int:
        return int(self.chain_pos.rsplit("#", 1)[-1])

    @property
    def timestamp(self) -> str:
        return self.chain_pos.rsplit("#", 1)[0]


@dataclass(frozen=True)
class ArchivedChange:
    """A MODIFY or REMOVE of an event, as the archive's listing names it."""

    chain_id: str
    chain_pos: str
    event_id: str
    event_name: str
    sequence_number: str
    key: str


def parse_key(key: str) -> ArchivedEvent | ArchivedChange | None:
    """What an archive key names (None: not an archive key)."""
    for prefix in (EVENTS_PREFIX, CHANGES_PREFIX):
        if key.startswith(prefix) and key.endswith(SUFFIX):
            parts = key[len(prefix) : -len(SUFFIX)].split("/")
            if len(parts) != 4:
                return None
            chain_id, chain_pos, event_id, last = parts
            if prefix == EVENTS_PREFIX:
                return ArchivedEvent(chain_id, chain_pos, event_id, last, key)
            event_name, _, sequence_number = last.partition("-")
            return ArchivedChange(chain_id, chain_pos, event_id, event_name, sequence_number, key)
    return None


def compare_chain(
    chain_id: str,
    table_events: list[AuditEvent],
    archived: list[ArchivedEvent],
    changes: list[ArchivedChange],
    *,
    elsewhere: dict[str, AuditEvent | None],
    archived_before: str,
) -> list[Finding]:
    """Findings of one chain's period: the table's events against the
    archive's. `elsewhere` holds, for each archived event the period's
    segment lacks, where the table keeps it now (None: nowhere).
    `archived_before` is the stored time before which every event should be
    archived by now (younger ones may still be on their way)."""
    findings: list[Finding] = []
    by_id: dict[str, list[ArchivedEvent]] = {}
    for entry in archived:
        by_id.setdefault(entry.event_id, []).append(entry)
    for event_id, entries in by_id.items():
        if len(entries) > 1:
            findings.append(
                Finding(
                    "rewritten",
                    chain_id,
                    entries[0].chain_seq,
                    event_id,
                    f"event {event_id} was written to the table {len(entries)} times with different "
                    "contents (deleted and put again)",
                )
            )
    in_table = {event.event_id: event for event in table_events}
    for event_id, entries in by_id.items():
        original = entries[0]
        event = in_table.get(event_id) or elsewhere.get(event_id)
        if event is None:
            findings.append(
                Finding(
                    "missing",
                    chain_id,
                    original.chain_seq,
                    event_id,
                    f"event {event_id} (sequence {original.chain_seq}) is in the archive but not in the table",
                )
            )
        elif (event.chain_id, event.chain_seq) != (original.chain_id, original.chain_seq):
            findings.append(
                Finding(
                    "reordered",
                    chain_id,
                    original.chain_seq,
                    event_id,
                    f"event {event_id} was archived as sequence {original.chain_seq} of {original.chain_id} "
                    f"but the table has it as sequence {event.chain_seq} of {event.chain_id}",
                )
            )
        elif event.hash not in {entry.hash for entry in entries}:
            kind, how = (
                ("resealed", "was changed and sealed again")
                if is_intact(event)
                else ("altered", "was changed")
            )
            findings.append(
                Finding(
                    kind,
                    chain_id,
                    original.chain_seq,
                    event_id,
                    f"event {event_id} (sequence {original.chain_seq}) {how}: the table's copy differs "
                    "from the archived one",
                )
            )
    for event in table_events:
        if event.event_id not in by_id and event.timestamp < archived_before:
            findings.append(
                Finding(
                    "unarchived",
                    chain_id,
                    event.chain_seq,
                    event.event_id,
                    f"event {event.event_id} (sequence {event.chain_seq}) never reached the archive",
                )
            )
    for change in changes:
        what = "modified in place" if change.event_name == "MODIFY" else "deleted"
        findings.append(
            Finding(
                "changed",
                chain_id,
                int(change.chain_pos.rsplit("#", 1)[-1]) if "#" in change.chain_pos else 0,
                change.event_id,
                f"event {change.event_id} was {what} in the table (the archive kept the earlier copy)",
            )
        )
    return findings
