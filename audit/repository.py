"""Every DynamoDB call for the audit trail.

Events are appended to one of a few fixed hash chains. Each chain has a head
item (in the same table, outside every index) naming its last sequence number
and hash; an append is one transaction that puts the new event and moves the
head on, conditional on the head being where we read it, so concurrent
writers never fork a chain. Events are only ever put, never updated.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any, Sequence

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from audit.domain import GENESIS_HASH, AuditEvent, seal
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS, Table

APPEND_ATTEMPTS = 12
BACKOFF_SECONDS = 0.005
HEAD_SORT_KEY = "HEAD"


class AuditWriteFailed(Exception):
    """The event could not be recorded; the action it describes must not go on."""


@dataclass(frozen=True)
class ChainHead:
    """Where a chain ends, read ahead of an append (see read_with_head)."""

    chain_id: str
    last_seq: int
    last_hash: str


def pick_chain(org_id: str, chain_count: int) -> str:
    return f"{org_id}#chain-{secrets.randbelow(chain_count)}"


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
    values["expiresAt"] = expires_at
    return values


def _from_values(values: dict) -> AuditEvent:
    fields = {field: values.get(attribute, "") for field, attribute in _ATTRIBUTES.items()}
    fields["detail"] = values.get("detail") or {}
    fields["chain_seq"] = int(values.get("chainSeq", 0))
    return AuditEvent(**fields)


def _head_values(chain_id: str) -> dict:
    return {"eventId": f"chainhead#{chain_id}", "timestamp": HEAD_SORT_KEY}


def _head_key(chain_id: str) -> dict:
    return dynamo.to_item(_head_values(chain_id))


def _head_from(chain_id: str, values: dict | None) -> ChainHead:
    values = values or {}
    return ChainHead(chain_id, int(values.get("lastSeq", 0)), values.get("lastHash", GENESIS_HASH))


def read_with_head(table: Table, key: dict[str, Any], *, chain_id: str) -> tuple[dict | None, ChainHead]:
    """One item and the head of `chain_id` in a single consistent
    BatchGetItem, so a read that must be audited before it is served costs
    two round trips (this read, then the audit transaction) instead of three."""
    item, head = dynamo.get_many([(table, key), (AUDIT_LOGS, _head_values(chain_id))], consistent=True)
    return item, _head_from(chain_id, head)


def append(
    event: AuditEvent,
    *,
    chain_count: int,
    retention_seconds: int,
    extra_writes: Sequence[dict] = (),
    head: ChainHead | None = None,
) -> AuditEvent:
    """Seal `event` onto a chain and store it, together with `extra_writes`
    (TransactWriteItems entries for the PHI change the event describes), all
    or nothing. A `head` read ahead (read_with_head) saves the first read; if
    it has moved on since, the next attempt reads afresh."""
    expires_at = int(time.time()) + retention_seconds
    for _attempt in range(APPEND_ATTEMPTS):
        if head is not None and _attempt == 0:
            chain_id, last_seq, last_hash = head.chain_id, head.last_seq, head.last_hash
        else:
            chain_id = pick_chain(event.org_id, chain_count)
            last_seq, last_hash = _read_head(chain_id)
        sealed = seal(event, chain_id=chain_id, chain_seq=last_seq + 1, prev_hash=last_hash)
        try:
            _write(sealed, last_seq, expires_at, extra_writes)
            return sealed
        except ClientError as error:
            if not _head_moved(error, len(extra_writes)):
                raise
            # Another writer took this head; back off a little (jittered) and
            # try again on a freshly read head, likely on another chain.
            time.sleep(BACKOFF_SECONDS * (1 + secrets.randbelow(4)) * (_attempt + 1))
    raise AuditWriteFailed("audit chain stayed contended")


def _read_head(chain_id: str) -> tuple[int, str]:
    response = dynamo.client().get_item(
        TableName=dynamo.name(AUDIT_LOGS), Key=_head_key(chain_id), ConsistentRead=True
    )
    head = dynamo.from_item(response.get("Item", {}))
    return int(head.get("lastSeq", 0)), head.get("lastHash", GENESIS_HASH)


def _write(event: AuditEvent, last_seq: int, expires_at: int, extra_writes: Sequence[dict]) -> None:
    table = dynamo.name(AUDIT_LOGS)
    head_guard = (
        Attr("eventId").not_exists() if last_seq == 0 else Attr("lastSeq").eq(last_seq)
    )
    head = {
        **dynamo.from_item(_head_key(event.chain_id)),
        "headOf": event.chain_id,
        "lastSeq": event.chain_seq,
        "lastHash": event.hash,
        "lastTimestamp": event.timestamp,
    }
    items = [
        {
            "Put": {
                "TableName": table,
                "Item": dynamo.to_item(_to_values(event, expires_at)),
                **dynamo.condition_kwargs(Attr("eventId").not_exists()),
            }
        },
        {"Put": {"TableName": table, "Item": dynamo.to_item(head), **dynamo.condition_kwargs(head_guard)}},
        *extra_writes,
    ]
    dynamo.client().transact_write_items(TransactItems=items)


def _head_moved(error: ClientError, extra_count: int) -> bool:
    """True when only the chain head's guard failed: another writer got there
    first, and a retry on a fresh head will succeed."""
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    codes = dynamo.cancellation_codes(error)
    return len(codes) > 1 and codes[1] == "ConditionalCheckFailed" and all(
        code in ("None", "") for index, code in enumerate(codes) if index != 1
    )


_LIST_INDEXES = {
    "userId": "UserIdIndex",
    "patientId": "PatientIndex",
    "orgId": "OrgIdIndex",
    "action": "ActionIndex",
}


def list_by(attribute: str, value: str, *, limit: int = 25, page_token: str | None = None):
    """Events for one user, patient, organisation or action, newest first."""
    page = dynamo.query_page(
        AUDIT_LOGS,
        Key(attribute).eq(value),
        index=_LIST_INDEXES[attribute],
        list_name=f"audit:{attribute}:{value}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_from_values(item) for item in page.items], page.next_token
