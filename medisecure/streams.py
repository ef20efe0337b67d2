"""A DynamoDB stream, read shard by shard and handed to a handler in batches.

    consumer = StreamConsumer(AUDIT_LOGS, handler, name="audit-archive")
    consumer.poll()                  # everything there is now, once
    consumer.follow(stop_event)      # and then whatever comes, until stopped

The handler is any callable taking a list of StreamRecord; it must be
idempotent (a record handed over twice changes nothing the second time),
because a batch is handed over again whenever its checkpoint did not land:
the handler raised, the process died mid-batch, or another copy of the
consumer moved the checkpoint on first.

Where a consumer has got to is one item per shard in the stream-checkpoints
table, keyed by the consumer's name and the stream, holding the last
sequence number handled and a version. It is moved on only by a write
conditional on the version it was read at, so of two copies racing over the
same shard exactly one advances it; the other learns it lost (ShardLost) and
starts again from the checkpoint. A checkpoint never passes a record the
handler did not finish: a failed batch is retried as it was, a few times in
one pass and again in every later pass, and nothing after it is read until
it goes through. A shard that a split closed is read to its end and marked
ended before its children are read, so each item's changes are handed over
in the order they were made.

In AWS the same handlers run as Lambda functions behind event source
mappings (the mapping keeps the position there); `records_from_lambda`
turns a Lambda event into the same StreamRecords.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError

from medisecure import aws, clock, dynamo
from medisecure.tables import STREAM_CHECKPOINTS, Table, physical_name

logger = logging.getLogger(__name__)

INSERT, MODIFY, REMOVE = "INSERT", "MODIFY", "REMOVE"
BATCH_SIZE = 100
ATTEMPTS_PER_PASS = 3
RETRY_BACKOFF_SECONDS = 0.05
IDLE_SECONDS = 0.5
# DynamoDB's own TTL deletions are made by this service principal.
TTL_PRINCIPAL = "dynamodb.amazonaws.com"


@dataclass(frozen=True)
class StreamRecord:
    """One change to one item, with its images as plain values."""

    event_name: str  # INSERT, MODIFY or REMOVE
    sequence_number: str
    keys: dict[str, Any]
    new_image: dict[str, Any] | None
    old_image: dict[str, Any] | None
    created_at: datetime  # approximate, to the second (DynamoDB's own)
    by_ttl: bool = False  # a deletion DynamoDB's TTL made
    # The images as DynamoDB sent them (typed), for a handler that keeps them exactly.
    raw_new_image: dict[str, Any] | None = None
    raw_old_image: dict[str, Any] | None = None


Handler = Callable[[list[StreamRecord]], None]


def record_from(raw: dict[str, Any]) -> StreamRecord:
    """A record as GetRecords or a Lambda event carries it."""
    change = raw["dynamodb"]
    identity = raw.get("userIdentity") or {}
    new, old = change.get("NewImage"), change.get("OldImage")
    return StreamRecord(
        event_name=raw["eventName"],
        sequence_number=change["SequenceNumber"],
        keys=dynamo.from_item(change.get("Keys", {})),
        new_image=dynamo.from_item(new) if new is not None else None,
        old_image=dynamo.from_item(old) if old is not None else None,
        created_at=_moment(change.get("ApproximateCreationDateTime")),
        by_ttl=identity.get("type") == "Service" and identity.get("principalId") == TTL_PRINCIPAL,
        raw_new_image=new,
        raw_old_image=old,
    )


def records_from_lambda(event: dict[str, Any]) -> list[StreamRecord]:
    """The records of a Lambda invocation by a DynamoDB event source mapping."""
    return [record_from(raw) for raw in event.get("Records", [])]


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if value is None:
        return clock.now()
    return datetime.fromtimestamp(float(value), tz=UTC)


class ShardLost(Exception):
    """Another copy of the consumer moved this shard's checkpoint on first."""


@dataclass(frozen=True)
class Checkpoint:
    shard_id: str
    sequence_number: str | None = None  # the last record handled
    ended: bool = False  # a closed shard, read to its end
    version: int = 0  # 0: never written


@dataclass(frozen=True)
class ShardLag:
    shard_id: str
    oldest_unhandled: datetime | None  # None: nothing waiting

    def seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.oldest_unhandled).total_seconds()) if self.oldest_unhandled else 0.0


def _streams():
    return aws.client("dynamodbstreams")


class StreamConsumer:
    """Reads `table`'s stream, hands each batch to `handler`."""

    def __init__(
        self,
        table: Table,
        handler: Handler,
        *,
        name: str,
        batch_size: int = BATCH_SIZE,
        attempts_per_pass: int = ATTEMPTS_PER_PASS,
    ):
        self.table = table
        self.handler = handler
        self.name = name
        self.batch_size = batch_size
        self.attempts_per_pass = attempts_per_pass
        # (shard, version moved from, sequence number moved to) of each
        # checkpoint this copy advanced: what the tests of the race read.
        self.advances: list[tuple[str, int, str | None]] = []
        self._arn: str | None = None

    # --- the stream and its shards ----------------------------------------

    def stream_arn(self) -> str:
        if self._arn is None:
            table = aws.client("dynamodb").describe_table(TableName=physical_name(self.table))["Table"]
            arn = table.get("LatestStreamArn")
            if not arn:
                raise RuntimeError(f"{self.table.name} has no stream")
            self._arn = arn
        return self._arn

    def shards(self) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        start: str | None = None
        while True:
            kwargs: dict[str, Any] = {"StreamArn": self.stream_arn()}
            if start:
                kwargs["ExclusiveStartShardId"] = start
            description = _streams().describe_stream(**kwargs)["StreamDescription"]
            shards += description.get("Shards", [])
            start = description.get("LastEvaluatedShardId")
            if not start:
                return shards

    # --- checkpoints ------------------------------------------------------

    def _stream_key(self) -> str:
        return f"{self.name}|{self.stream_arn()}"

    def checkpoints(self) -> dict[str, Checkpoint]:
        found: dict[str, Checkpoint] = {}
        start_key = None
        while True:
            response = dynamo.client().query(
                TableName=dynamo.name(STREAM_CHECKPOINTS),
                ConsistentRead=True,
                **({"ExclusiveStartKey": start_key} if start_key else {}),
                **dynamo.query_kwargs(Key("stream").eq(self._stream_key())),
            )
            for item in response.get("Items", []):
                values = dynamo.from_item(item)
                found[values["shardId"]] = Checkpoint(
                    shard_id=values["shardId"],
                    sequence_number=values.get("sequenceNumber"),
                    ended=bool(values.get("ended")),
                    version=int(values["version"]),
                )
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return found

    def _advance(self, checkpoint: Checkpoint, sequence_number: str | None, *, ended: bool) -> Checkpoint:
        moved = Checkpoint(checkpoint.shard_id, sequence_number, ended, checkpoint.version + 1)
        guard = (
            Attr("shardId").not_exists()
            if checkpoint.version == 0
            else Attr("version").eq(checkpoint.version)
        )
        values = {
            "stream": self._stream_key(),
            "shardId": moved.shard_id,
            "sequenceNumber": moved.sequence_number,
            "ended": moved.ended,
            "version": moved.version,
            "updatedAt": clock.stamp(clock.now()),
        }
        try:
            dynamo.client().put_item(
                TableName=dynamo.name(STREAM_CHECKPOINTS),
                Item=dynamo.to_item(values),
                **dynamo.condition_kwargs(guard),
            )
        except ClientError as error:
            if dynamo.is_conditional_failure(error):
                raise ShardLost(checkpoint.shard_id) from error
            raise
        self.advances.append((checkpoint.shard_id, checkpoint.version, sequence_number))
        return moved

    # --- reading ----------------------------------------------------------

    def _iterator(self, checkpoint: Checkpoint) -> str | None:
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn(), "ShardId": checkpoint.shard_id}
        if checkpoint.sequence_number:
            kwargs.update(
                ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=checkpoint.sequence_number
            )
        else:
            kwargs["ShardIteratorType"] = "TRIM_HORIZON"
        return _streams().get_shard_iterator(**kwargs).get("ShardIterator")

    def poll(self) -> int:
        """Hand over everything the stream holds now that this consumer has
        not handled, shard by shard, parents before children. Returns how
        many records the handler took (a batch another copy also took counts)."""
        shards = shards_in_order(self.shards())
        listed = {shard["ShardId"] for shard in shards}
        checkpoints = self.checkpoints()
        handled = 0
        for shard in shards:
            shard_id = shard["ShardId"]
            checkpoint = checkpoints.get(shard_id, Checkpoint(shard_id))
            parent = shard.get("ParentShardId")
            if checkpoint.ended:
                continue
            if parent in listed and not checkpoints.get(parent, Checkpoint(parent)).ended:
                continue  # its parent's changes come first
            try:
                count, checkpoint = self._drain(checkpoint)
            except ShardLost:
                logger.info("stream %s shard %s: another consumer moved on first", self.name, shard_id)
                continue
            handled += count
            checkpoints[shard_id] = checkpoint
        return handled

    def _drain(self, checkpoint: Checkpoint) -> tuple[int, Checkpoint]:
        handled = 0
        iterator = self._iterator(checkpoint)
        while iterator:
            response = _streams().get_records(ShardIterator=iterator, Limit=self.batch_size)
            raw = response.get("Records", [])
            next_iterator = response.get("NextShardIterator")
            if raw:
                records = [record_from(item) for item in raw]
                if not self._hand_over(records):
                    return handled, checkpoint  # tried again on the next pass, from here
                checkpoint = self._advance(checkpoint, records[-1].sequence_number, ended=False)
                handled += len(records)
            if next_iterator is None:
                # The shard was closed (split) and is read to its end.
                return handled, self._advance(checkpoint, checkpoint.sequence_number, ended=True)
            if not raw:
                return handled, checkpoint  # caught up
            iterator = next_iterator
        return handled, checkpoint

    def _hand_over(self, records: list[StreamRecord]) -> bool:
        for attempt in range(1, self.attempts_per_pass + 1):
            try:
                self.handler(records)
                return True
            except Exception:
                logger.exception(
                    "stream %s: a batch of %d records failed (attempt %d); it is kept, not skipped",
                    self.name,
                    len(records),
                    attempt,
                )
                time.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
        return False

    def follow(self, stop: threading.Event, *, idle_seconds: float = IDLE_SECONDS) -> None:
        """Poll until `stop` is set, resting `idle_seconds` whenever caught up."""
        while not stop.is_set():
            try:
                handled = self.poll()
            except (BotoCoreError, ClientError) as error:
                logger.warning("stream %s: %s; trying again", self.name, type(error).__name__)
                handled = 0
            if not handled:
                stop.wait(idle_seconds)

    # --- lag --------------------------------------------------------------

    def lag(self) -> list[ShardLag]:
        """For each shard not read to its end: when its oldest record this
        consumer has not handled was written (None when none waits)."""
        checkpoints = self.checkpoints()
        lags = []
        for shard in self.shards():
            checkpoint = checkpoints.get(shard["ShardId"], Checkpoint(shard["ShardId"]))
            if checkpoint.ended:
                continue
            iterator = self._iterator(checkpoint)
            records = (
                _streams().get_records(ShardIterator=iterator, Limit=1).get("Records", []) if iterator else []
            )
            oldest = record_from(records[0]).created_at if records else None
            lags.append(ShardLag(checkpoint.shard_id, oldest))
        return lags


def shards_in_order(shards: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shards with every parent before its children (DescribeStream lists
    them so as a rule, but does not promise it)."""
    remaining = list(shards)
    ids = {shard["ShardId"] for shard in remaining}
    placed: set[str] = set()
    ordered: list[dict[str, Any]] = []
    while remaining:
        ready = [
            shard
            for shard in remaining
            if shard.get("ParentShardId") not in ids or shard.get("ParentShardId") in placed
        ]
        if not ready:  # a cycle cannot happen; keep every shard rather than loop
            ready = remaining[:1]
        for shard in ready:
            ordered.append(shard)
            placed.add(shard["ShardId"])
            remaining.remove(shard)
    return ordered
