"""Audit events: what is recorded and how each one seals the chain it joins.

Plain data and rules only. An event names people and records by identifier;
it never carries PHI values (a profile change lists field names, not values).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace

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
