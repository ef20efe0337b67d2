"""The unit of work: the writes of one use case, sent together as one
TransactWriteItems, all or nothing.

A service opens a transaction, the repositories add their writes to it (each
naming the domain exception its condition raises when DynamoDB refuses it),
the audit writer adds the event that describes them, and `commit()` sends
them at once. A cancelled transaction is answered with the exception of the
write that was refused, found by identity (the write itself), never by its
position in the request.

    tx = Transaction()
    repository.appointment_add(tx, appointment)        # refused: AppointmentExists
    repository.locks_take(tx, appointment)             # refused: SlotTaken
    audit.audit_event_add(tx, actor=..., action=...)   # the event and its chain head
    tx.commit()

Writes that are re-made for each attempt (the audit event, sealed onto a
chain head another writer may have moved meanwhile) join as a `RebuiltWrites`;
when nothing but such a write was refused, commit tries again on fresh ones.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from medisecure import aws

Operation = dict[str, Any]  # one TransactWriteItems entry: {"Put": {...}}, {"Update": {...}}, ...
Refusal = type[Exception] | Exception | None

# Losing the race for a chain head is normal under load: keep trying (on a
# fresh head, usually of another chain) for this long.
CONTENDED_DEADLINE_SECONDS = 10.0
BACKOFF_SECONDS = 0.005
BACKOFF_CAP_SECONDS = 0.25
# DynamoDB cancels a transaction that touches an item another transaction is
# writing at that moment ("TransactionConflict"): worth a few quick retries.
CONFLICT_CODES = frozenset({"TransactionConflict"})


class Contended(Exception):
    """The refusal of a write that a fresh attempt can cure: another writer
    moved the item on (an audit chain head) between our read and our write."""


class WriteRefused(Exception):
    """A write's condition failed and the write named no exception for it."""


@dataclass(frozen=True)
class Write:
    operation: Operation
    refused: Refusal = None  # raised when this write's condition fails


class RebuiltWrites(Protocol):
    """Writes re-made for every attempt of a commit."""

    def writes(self, attempt: int) -> list[Write]:
        """The writes for attempt `attempt` (1 for the first)."""

    def committed(self) -> None:
        """The transaction landed with the writes of the last attempt."""

    def failed(self, error: Exception) -> Exception:
        """The exception to raise when the transaction did not land for a
        reason other than a refused condition (throttled, unreachable)."""


class Transaction:
    """One use case's writes. Nothing is sent before `commit()`; a
    transaction left uncommitted writes nothing."""

    def __init__(self) -> None:
        self._writes: list[Write] = []
        self._rebuilt: list[RebuiltWrites] = []
        self.committed = False

    def add(self, operation: Operation, *, refused: Refusal = None) -> None:
        """Add one write. When its condition fails, `refused` is raised (an
        exception class is instantiated without arguments). Where several
        writes are refused, the one added first decides."""
        self._writes.append(Write(operation, refused))

    def add_rebuilt(self, part: RebuiltWrites) -> None:
        self._rebuilt.append(part)

    @property
    def operations(self) -> list[Operation]:
        """The writes added so far, as they would be sent (for inspection)."""
        return [write.operation for write in self._writes]

    def __len__(self) -> int:
        return len(self._writes) + len(self._rebuilt)

    def commit(self) -> None:
        if self.committed:
            raise RuntimeError("a transaction is committed once")
        if not self._writes and not self._rebuilt:
            self.committed = True
            return
        deadline = time.monotonic() + CONTENDED_DEADLINE_SECONDS
        attempt = 0
        while True:
            attempt += 1
            rebuilt = [write for part in self._rebuilt for write in part.writes(attempt)]
            writes = rebuilt + self._writes
            try:
                aws.client("dynamodb").transact_write_items(
                    TransactItems=[write.operation for write in writes]
                )
            except ClientError as error:
                if _error_code(error) != "TransactionCanceledException":
                    raise self._failure(error) from error
                refusal = _refusal(writes, _reason_codes(error))
                if refusal is not None:
                    raise _instance(refusal) from error
                if time.monotonic() >= deadline:
                    raise self._failure(error) from error
                _back_off(attempt)
                continue
            except BotoCoreError as error:
                raise self._failure(error) from error
            self.committed = True
            for part in self._rebuilt:
                part.committed()
            return

    def _failure(self, error: Exception) -> Exception:
        for part in self._rebuilt:
            return part.failed(error)
        return error


def _error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def _reason_codes(error: ClientError) -> list[str]:
    return [reason.get("Code") or "None" for reason in error.response.get("CancellationReasons", [])]


def _refusal(writes: list[Write], codes: list[str]) -> Refusal:
    """What to raise for a cancelled transaction, or None to try again: the
    refusal of the first write whose condition failed and that a retry
    cannot cure; None when only contended writes were refused, or the
    transaction met another one mid-write."""
    refused = [write for write, code in zip(writes, codes) if code == "ConditionalCheckFailed"]
    lasting = [write for write in refused if not _is_contended(write.refused)]
    if lasting:
        # A refused write with no exception of its own is a bug, not a rule.
        return lasting[0].refused or WriteRefused
    if refused or any(code in CONFLICT_CODES for code in codes):
        return None
    # Cancelled for a reason that is neither (a malformed item: ValidationError).
    return WriteRefused(", ".join(code for code in codes if code != "None"))


def _is_contended(refusal: Refusal) -> bool:
    kind = refusal if isinstance(refusal, type) else type(refusal)
    return issubclass(kind, Contended)


def _instance(refusal: Refusal) -> Exception:
    if isinstance(refusal, Exception):
        return refusal
    assert refusal is not None
    return refusal()


def _back_off(attempt: int) -> None:
    # Exponential, with full jitter, so a crowd of losers spreads out.
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_SECONDS * 2 ** min(attempt, 10))
    time.sleep(ceiling * secrets.randbelow(1001) / 1000)
