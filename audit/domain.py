"""Audit events: what is recorded and how each one seals the chain it joins.

Plain data and rules only. An event names people and records by identifier;
it never carries PHI values (a profile change lists field names, not values).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, tzinfo

from medisecure.errors import NotFound

ALLOWED = "allowed"
DENIED = "denied"
FAILED = "failed"
OUTCOMES = (ALLOWED, DENIED, FAILED)

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    event_id: str
    timestamp: str  # UTC, ISO 8601 with microseconds, so events sort by time
    org_id: str
    user_id: str
    role: str
    action: str
    outcome: str
    resource_type: str = ""
    resource_id: str = ""
    patient_id: str = ""
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""
    detail: dict = field(default_factory=dict)
    chain_id: str = ""
    chain_seq: int = 0
    prev_hash: str = ""
    hash: str = ""

    def __post_init__(self):
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown audit outcome {self.outcome!r}")


def canonical_bytes(event: AuditEvent) -> bytes:
    """The exact bytes an event's hash covers: every field but the hash."""
    fields = asdict(event)
    fields.pop("hash")
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def seal(event: AuditEvent, *, chain_id: str, chain_seq: int, prev_hash: str) -> AuditEvent:
    linked = replace(event, chain_id=chain_id, chain_seq=chain_seq, prev_hash=prev_hash, hash="")
    return replace(linked, hash=hashlib.sha256(canonical_bytes(linked)).hexdigest())


def is_intact(event: AuditEvent) -> bool:
    return hashlib.sha256(canonical_bytes(replace(event, hash=""))).hexdigest() == event.hash


def chain_position(event: AuditEvent) -> str:
    """Where an event sits in its chain's index: its time, then its sequence
    number. Appends never let a chain's time go backwards, so this orders a
    chain exactly as its sequence numbers do, and a time range is a key range."""
    return f"{event.timestamp}#{event.chain_seq:012d}"


class AuditEventNotFound(NotFound):
    """No event with this id and time."""


@dataclass(frozen=True)
class SearchFilters:
    user_id: str = ""
    patient_id: str = ""
    action: str = ""
    outcome: str = ""
    since: str = ""  # ISO 8601 UTC, inclusive
    until: str = ""  # ISO 8601 UTC, inclusive


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a chain, precise enough to find the event."""

    kind: str  # "altered", "missing" or "out_of_order"
    chain_id: str
    chain_seq: int
    event_id: str
    message: str


@dataclass(frozen=True)
class ChainHead:
    """Where a chain ends: its last event's sequence number, hash and time."""

    chain_id: str
    last_seq: int
    last_hash: str
    last_timestamp: str = ""


def verify_chain_segment(
    chain_id: str,
    events: list[AuditEvent],
    *,
    before: AuditEvent | None,
    after: AuditEvent | None,
    head: ChainHead,
) -> list[Finding]:
    """Check one chain's events in a time range, with the event just before
    and just after the range, against the chain's head."""
    findings = [
        Finding(
            "altered",
            chain_id,
            event.chain_seq,
            event.event_id,
            f"event {event.event_id} (sequence {event.chain_seq}) does not match its seal",
        )
        for event in events + ([after] if after else [])
        if not is_intact(event)
    ]
    sequence = ([before] if before else []) + events + ([after] if after else [])
    if before is None and sequence and sequence[0].chain_seq > 1:
        first = sequence[0]
        findings.append(
            Finding(
                "missing",
                chain_id,
                1,
                "",
                f"events 1 to {first.chain_seq - 1} before event {first.event_id} are missing",
            )
        )
    for previous, current in zip(sequence, sequence[1:]):
        findings += _link_findings(chain_id, previous, current)
    last = sequence[-1] if sequence else None
    if after is None:
        findings += _head_findings(chain_id, last, head)
    return findings


def _link_findings(chain_id: str, previous: AuditEvent, current: AuditEvent) -> list[Finding]:
    expected = previous.chain_seq + 1
    if current.chain_seq > expected:
        return [
            Finding(
                "missing",
                chain_id,
                expected,
                "",
                f"events {expected} to {current.chain_seq - 1} between {previous.event_id} "
                f"and {current.event_id} are missing",
            )
        ]
    if current.chain_seq < expected:
        return [
            Finding(
                "out_of_order",
                chain_id,
                current.chain_seq,
                current.event_id,
                f"event {current.event_id} (sequence {current.chain_seq}) is out of order "
                f"after {previous.event_id} (sequence {previous.chain_seq})",
            )
        ]
    if current.prev_hash != previous.hash:
        return [
            Finding(
                "altered",
                chain_id,
                current.chain_seq,
                current.event_id,
                f"event {current.event_id} does not follow {previous.event_id}: "
                "one of them was replaced or re-sealed",
            )
        ]
    return []


def _head_findings(chain_id: str, last: AuditEvent | None, head: ChainHead) -> list[Finding]:
    last_seq = last.chain_seq if last else 0
    if head.last_seq > last_seq:
        return [
            Finding(
                "missing",
                chain_id,
                last_seq + 1,
                "",
                f"events {last_seq + 1} to {head.last_seq} at the end of the chain are missing",
            )
        ]
    if last is not None and head.last_hash != last.hash:
        return [
            Finding(
                "altered",
                chain_id,
                last.chain_seq,
                last.event_id,
                f"the newest event {last.event_id} is not the one the chain head sealed",
            )
        ]
    return []


@dataclass(frozen=True)
class Verdict:
    since: str
    until: str
    chains_checked: int
    events_checked: int
    findings: tuple[Finding, ...]

    @property
    def intact(self) -> bool:
        return not self.findings


TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def timestamp_bound(day: date, *, end: bool, zone: tzinfo = UTC) -> str:
    """The first (or last) stored timestamp of a day in `zone` (a UTC day
    unless told), as events store it."""
    moment = datetime.combine(day, time.max if end else time.min, tzinfo=zone)
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


# The CSV export: every field of an event, one event a row.
CSV_COLUMNS = (
    "timestamp",
    "event_id",
    "user_id",
    "role",
    "action",
    "outcome",
    "resource_type",
    "resource_id",
    "patient_id",
    "ip",
    "user_agent",
    "request_id",
    "detail",
    "chain_id",
    "chain_seq",
    "prev_hash",
    "hash",
)
# A spreadsheet runs a cell that starts with one of these as a formula, also
# after leading spaces or control characters (which it skips: "\x01=1+1").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_row(event: AuditEvent) -> list[str]:
    """An event's cells, in CSV_COLUMNS order; none of them runs as a
    formula (a user agent is whatever the client sent)."""
    values = asdict(event)
    values["detail"] = ";".join(f"{key}={value}" for key, value in sorted(event.detail.items()))
    return [_neutralised(str(values[column])) for column in CSV_COLUMNS]


def _neutralised(value: str) -> str:
    return f"'{value}" if _runs_as_formula(value) else value


def _runs_as_formula(value: str) -> bool:
    if value[:1] and (unicodedata.category(value[0]) in ("Cc", "Cf") or value[0].isspace()):
        return True  # hidden or blank first: what follows may be a formula a spreadsheet finds
    return value.startswith(FORMULA_PREFIXES)


def csv_line(values: Iterable[object]) -> str:
    """One CSV line, every cell neutralised: the one writer of every CSV the
    trail is exported as (the admin's export and audit_report)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_neutralised(str(value)) for value in values])
    return buffer.getvalue()


@dataclass(frozen=True)
class ScheduledRun:
    """The last scheduled verification, and how far the trail is verified:
    each run checks from `verified_until` on, which only an intact run moves."""

    ran_at: str
    since: str
    until: str
    events_checked: int
    findings: int
    verified_until: str
    version: int

    @property
    def intact(self) -> bool:
        return self.findings == 0
