"""Every DynamoDB call for the audit trail.

Events are appended to one of a few fixed hash chains. Each chain has a head
item (in the same table, outside every index) naming its last sequence
number, hash and time. An event joins the unit of work of the change it
describes (medisecure.unit_of_work) as two puts: the event, and its chain's
head moved on to it, conditional on the head being where we read it; a head
another writer moved meanwhile makes the unit of work try again on a fresh
one, so concurrent writers never fork a chain. Events are only ever put,
never updated or deleted (they expire by TTL).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict, replace

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from audit.domain import GENESIS_HASH, AuditEvent, ChainHead, SearchFilters, chain_position, seal
from medisecure import clock, dynamo
from medisecure.observability import metrics
from medisecure.tables import AUDIT_LOGS
from medisecure.unit_of_work import Contended, Write

HEAD_SORT_KEY = "HEAD"
MAX_QUERIES_PER_PAGE = 10
CHAIN_PAGE = 200
END_OF_TIME = "~"  # sorts after any timestamp and chain position


class AuditWriteFailed(Exception):
    """The event could not be recorded; the action it describes must not go on."""


class ChainMoved(Contended):
    """Another writer appended to the chain after its head was read."""


_ATTRIBUTES = {
    "event_id": "eventId",
    "timestamp": "timestamp",
    "org_id": "orgId",
    "user_id": "userId",
    "role": "role",
    "action": "action",
    "outcome": "outcome",
    "resource_type": "resourceType",
    "resource_id": "resourceId",
    "patient_id": "patientId",
    "ip": "ip",
    "user_agent": "userAgent",
    "request_id": "requestId",
    "detail": "detail",
    "chain_id": "chainId",
    "chain_seq": "chainSeq",
    "prev_hash": "prevHash",
    "hash": "hash",
}


def _to_values(event: AuditEvent, expires_at: int) -> dict:
    values = {_ATTRIBUTES[key]: value for key, value in asdict(event).items()}
    # GSI key attributes may not be empty strings: leave them out instead.
    values = {key: value for key, value in values.items() if value != ""}
    values["chainPos"] = chain_position(event)
    values["expiresAt"] = expires_at
    return values


def event_from_values(values: dict) -> AuditEvent:
    fields = {field: values.get(attribute, "") for field, attribute in _ATTRIBUTES.items()}
    fields["detail"] = values.get("detail") or {}
    fields["chain_seq"] = int(values.get("chainSeq", 0))
    return AuditEvent(**fields)


def head_read(chain_id: str) -> dynamo.ItemRead[ChainHead]:
    """A chain's head, to read in one round trip with the record an event
    is about to describe (dynamo.read_together)."""
    return dynamo.ItemRead(AUDIT_LOGS, head_key(chain_id), lambda values: head_from(chain_id, values))


def head_key(chain_id: str) -> dict:
    return {"eventId": f"chainhead#{chain_id}", "timestamp": HEAD_SORT_KEY}


def head_values(head: ChainHead) -> dict:
    """A chain head's item (as the append writes it, and a restore rebuilds it)."""
    return {
        **head_key(head.chain_id),
        "headOf": head.chain_id,
        "lastSeq": head.last_seq,
        "lastHash": head.last_hash,
        "lastTimestamp": head.last_timestamp,
    }


def head_from(chain_id: str, values: dict | None) -> ChainHead:
    values = values or {}
    return ChainHead(
        chain_id=chain_id,
        last_seq=int(values.get("lastSeq", 0)),
        last_hash=values.get("lastHash", GENESIS_HASH),
        last_timestamp=values.get("lastTimestamp", ""),
    )


def pick_chain(org_id: str, chain_count: int) -> str:
    """The chain this thread last wrote to (it knows that head already), or
    a random one."""
    remembered = _remembered_head(org_id, chain_count)
    if remembered is not None:
        return remembered.chain_id
    return f"{org_id}#chain-{secrets.randbelow(chain_count)}"


# Each thread remembers the head it last wrote, so its next event needs no
# read first: a thread keeps to one chain, and while no other writer moves
# that chain on, an append is a single transaction. A head moved elsewhere
# only costs the retry on a fresh read that any lost race costs.
_written = threading.local()


def _remembered_head(org_id: str, chain_count: int) -> ChainHead | None:
    head = getattr(_written, "head", None)
    if head is None:
        return None
    prefix = f"{org_id}#chain-"
    index = head.chain_id.removeprefix(prefix)
    if not head.chain_id.startswith(prefix) or not index.isdigit() or int(index) >= chain_count:
        return None
    return head


def forget_written_heads() -> None:
    """Drop this thread's remembered head (the stack it was read from is gone)."""
    _written.head = None


# --- appending ---------------------------------------------------------------


class ChainedEvent:
    """An event's part of a unit of work: the event, sealed onto a chain, and
    the chain head moved on to it. Re-made for every attempt of the commit,
    because a head that another writer moved meanwhile refuses the write
    (ChainMoved) and the event must be sealed onto a fresh one."""

    def __init__(
        self, event: AuditEvent, *, chain_count: int, retention_seconds: int, head: ChainHead | None = None
    ):
        self.event = event
        self._chain_count = chain_count
        self._expires_at = clock.epoch_seconds(clock.recorded_now()) + retention_seconds
        self._head = head
        self.sealed: AuditEvent | None = None

    def writes(self, attempt: int) -> list[Write]:
        head = self._head if attempt == 1 else None
        if head is None and attempt == 1:
            head = _remembered_head(self.event.org_id, self._chain_count)
        if head is None:
            head = read_head(f"{self.event.org_id}#chain-{secrets.randbelow(self._chain_count)}")
        # A chain's time never goes backwards, so its index orders it by time.
        timestamp = max(self.event.timestamp, head.last_timestamp)
        self.sealed = seal(
            replace(self.event, timestamp=timestamp),
            chain_id=head.chain_id,
            chain_seq=head.last_seq + 1,
            prev_hash=head.last_hash,
        )
        event_put, head_put = _entries(self.sealed, head, self._expires_at)
        return [
            Write(event_put, refused=AuditWriteFailed(self.event.action)),
            Write(head_put, refused=ChainMoved),
        ]

    def committed(self) -> None:
        sealed = self.sealed
        assert sealed is not None
        _written.head = ChainHead(sealed.chain_id, sealed.chain_seq, sealed.hash, sealed.timestamp)

    def failed(self, error: Exception) -> Exception:
        # The write that carried the event failed: the AuditWriteFailures
        # metric, whose alarm fires on the first one.
        metrics.count(metrics.AUDIT_WRITE_FAILURES)
        return AuditWriteFailed(self.event.action)


def read_head(chain_id: str) -> ChainHead:
    response = dynamo.client().get_item(
        TableName=dynamo.name(AUDIT_LOGS), Key=dynamo.to_item(head_key(chain_id)), ConsistentRead=True
    )
    return head_from(chain_id, dynamo.from_item(response.get("Item", {})))


def _entries(event: AuditEvent, previous: ChainHead, expires_at: int) -> tuple[dict, dict]:
    """The event's Put (only where no event has its key) and its chain
    head's Put (only while the head is still the one the event was sealed
    onto)."""
    # The hash too, not only the sequence number: a remembered head is only
    # good if it is still exactly the chain's end.
    head_guard = (
        Attr("eventId").not_exists()
        if previous.last_seq == 0
        else Attr("lastSeq").eq(previous.last_seq) & Attr("lastHash").eq(previous.last_hash)
    )
    head = head_values(ChainHead(event.chain_id, event.chain_seq, event.hash, event.timestamp))
    return (
        dynamo.put_entry(AUDIT_LOGS, _to_values(event, expires_at), Attr("eventId").not_exists()),
        dynamo.put_entry(AUDIT_LOGS, head, head_guard),
    )


# --- reading -----------------------------------------------------------------


def get(event_id: str, timestamp: str) -> AuditEvent | None:
    values = dynamo.get(AUDIT_LOGS, {"eventId": event_id, "timestamp": timestamp})
    return event_from_values(values) if values and "chainId" in values else None


# The index for each attribute a search can start from, narrowest first.
SEARCH_INDEXES = {
    "patientId": "PatientIndex",
    "userId": "UserIdIndex",
    "action": "ActionIndex",
    "orgId": "OrgIdIndex",
}


def _search_plan(filters: SearchFilters, org_id: str) -> tuple[str, ConditionBase, ConditionBase | None]:
    """The attribute whose index narrows the search most, its key condition,
    and what is left to filter."""
    narrowing = [
        ("patientId", filters.patient_id),
        ("userId", filters.user_id),
        ("action", filters.action),
        ("orgId", org_id),
    ]
    attribute, value = next(entry for entry in narrowing if entry[1])
    key = Key(attribute).eq(value) & Key("timestamp").between(
        filters.since or "0", filters.until or END_OF_TIME
    )
    remaining = [
        Attr(name).eq(wanted)
        for name, wanted in (
            ("userId", filters.user_id),
            ("action", filters.action),
            ("outcome", filters.outcome),
        )
        if wanted and name != attribute
    ]
    condition = None
    for part in remaining:
        condition = part if condition is None else condition & part
    return attribute, key, condition


def search(
    filters: SearchFilters, *, org_id: str, limit: int = 50, page_token: str | None = None
) -> tuple[list[AuditEvent], str | None]:
    """One page of events matching `filters`, newest first. Filtered queries
    can return short pages, so a few queries may fill one page."""
    attribute, key, condition = _search_plan(filters, org_id)
    list_name = f"audit-search:{org_id}:{filters}"
    start_key = dynamo.decode_page_token(page_token, list_name) if page_token else None
    found: list[dict] = []
    for _ in range(MAX_QUERIES_PER_PAGE):
        items, start_key = dynamo.query(
            AUDIT_LOGS,
            key,
            index=SEARCH_INDEXES[attribute],
            limit=limit - len(found),
            start_key=start_key,
            newest_first=True,
            filter_condition=condition,
        )
        found += items
        if len(found) >= limit or not start_key:
            break
    token = dynamo.encode_page_token(start_key, list_name) if start_key else None
    return [event_from_values(item) for item in found], token


def search_all(filters: SearchFilters, *, org_id: str, page_size: int = 200) -> Iterator[AuditEvent]:
    """Every matching event, newest first, fetched a page at a time."""
    attribute, key, condition = _search_plan(filters, org_id)
    start_key = None
    while True:
        items, start_key = dynamo.query(
            AUDIT_LOGS,
            key,
            index=SEARCH_INDEXES[attribute],
            limit=page_size,
            start_key=start_key,
            newest_first=True,
            filter_condition=condition,
        )
        yield from (event_from_values(item) for item in items)
        if not start_key:
            return


def chain_segment(chain_id: str, since: str, until: str) -> Iterator[AuditEvent]:
    """A chain's events between two times, in chain order."""
    key = Key("chainId").eq(chain_id) & Key("chainPos").between(since, until + END_OF_TIME)
    start_key = None
    while True:
        items, start_key = dynamo.query(
            AUDIT_LOGS, key, index="ChainIndex", limit=CHAIN_PAGE, start_key=start_key
        )
        yield from (event_from_values(item) for item in items)
        if not start_key:
            return


def chain_neighbour(chain_id: str, *, before: str = "", after: str = "") -> AuditEvent | None:
    """The chain's last event before `before`, or first event after `after`."""
    if before:
        key = Key("chainId").eq(chain_id) & Key("chainPos").lt(before)
    else:
        key = Key("chainId").eq(chain_id) & Key("chainPos").gt(after + END_OF_TIME)
    items, _ = dynamo.query(AUDIT_LOGS, key, index="ChainIndex", limit=1, newest_first=bool(before))
    return event_from_values(items[0]) if items else None


def list_by(attribute: str, value: str, *, limit: int = 25, page_token: str | None = None):
    """Events for one user, patient or action, or the whole organisation,
    newest first."""
    if attribute == "orgId":
        return search(SearchFilters(), org_id=value, limit=limit, page_token=page_token)
    field = {"userId": "user_id", "patientId": "patient_id", "action": "action"}[attribute]
    return search(SearchFilters(**{field: value}), org_id="", limit=limit, page_token=page_token)
