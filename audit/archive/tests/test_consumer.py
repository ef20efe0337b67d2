"""The stream consumer, archiving the audit table: every event kept once, in
chain order, whatever dies or races on the way."""

import threading
from collections import defaultdict

import pytest

from audit.archive.domain import ArchivedEvent, parse_key
from audit.archive.handlers import archive_records
from audit.archive.tests.support import consumer, drain, versions, write
from medisecure import streams

pytestmark = pytest.mark.django_db


def _archived_events():
    return [parse_key(key) for key in versions("events/")]


def test_a_thousand_events_by_eight_writers_are_archived_exactly_once_each_in_chain_order(aws):
    stop = threading.Event()
    following = consumer(batch_size=200)
    thread = threading.Thread(target=following.follow, args=(stop,), kwargs={"idle_seconds": 0.05})
    thread.start()
    try:
        written = write(1000, writers=8)
    finally:
        stop.set()
        thread.join()
    drain(following)

    counts = versions("events/")
    assert set(counts.values()) == {1}, "an event archived more than once"
    archived = [parse_key(key) for key in sorted(counts)]
    assert all(isinstance(entry, ArchivedEvent) for entry in archived)
    assert sorted(entry.event_id for entry in archived) == sorted(event.event_id for event in written)
    by_chain = defaultdict(list)
    for entry in archived:  # listed in key order
        by_chain[entry.chain_id].append(entry.chain_seq)
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_chain.values())
    sealed = {event.event_id: event.hash for event in written}
    assert all(sealed[entry.event_id] == entry.hash for entry in archived)


class Killed(BaseException):
    """The process dies: nothing of it runs on (not an Exception, so the
    consumer's retry does not catch it)."""


def test_a_consumer_killed_mid_batch_and_started_again_loses_nothing_and_archives_nothing_twice(aws):
    written = write(60)
    batches = []

    def dies_halfway_through_the_second_batch(records):
        batches.append(records)
        if len(batches) == 2:
            archive_records(records[: len(records) // 2])
            raise Killed
        archive_records(records)

    with pytest.raises(Killed):
        drain(consumer(dies_halfway_through_the_second_batch, batch_size=30))
    assert 0 < len(versions("events/")) < 60

    drain(consumer(batch_size=30))

    counts = versions("events/")
    assert set(counts.values()) == {1}
    assert {parse_key(key).event_id for key in counts} == {event.event_id for event in written}


def test_a_failed_batch_is_handed_over_again_and_nothing_after_it_is_read_first(aws):
    write(10)
    handed = []
    failures = iter([True, True])

    def fails_twice(records):
        handed.append([record.sequence_number for record in records])
        if next(failures, False):
            raise ConnectionError("the archive did not answer")
        archive_records(records)

    drain(consumer(fails_twice, batch_size=50))

    assert handed[0] == handed[1] == handed[2], "the same batch, whole, each time"
    assert len(versions("events/")) == 10


def test_a_batch_that_keeps_failing_holds_the_checkpoint_where_it_was(aws):
    write(4)

    def always_fails(records):
        raise ConnectionError

    stuck = consumer(always_fails, attempts_per_pass=1)
    assert stuck.poll() == 0
    assert stuck.checkpoints() == {}
    assert drain().checkpoints() != {}
    assert len(versions("events/")) == 4


def test_two_consumers_at_once_never_both_advance_a_checkpoint(aws):
    write(20)
    both_hold_the_batch = threading.Barrier(2, timeout=10)

    first_batches = []

    def archive_together(records):
        archive_records(records)
        first_batches.append(records[0].sequence_number)
        if first_batches.count(records[0].sequence_number) <= 2 and len(first_batches) <= 2:
            both_hold_the_batch.wait()  # both copies have handled the first batch: now they race

    copies = [consumer(archive_together, batch_size=10) for _ in range(2)]
    threads = [threading.Thread(target=copy.poll) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drain(copies[0])

    advances = [advance for copy in copies for advance in copy.advances]
    moved_from = [(shard, version) for shard, version, _ in advances]
    assert len(moved_from) == len(set(moved_from)), "two copies advanced the same checkpoint"
    assert len({copy_index for copy_index, copy in enumerate(copies) if copy.advances}) >= 1
    assert set(versions("events/").values()) == {1}
    assert len(versions("events/")) == 20


def test_shards_are_read_parents_before_children():
    shards = [
        {"ShardId": "child-b", "ParentShardId": "child-a"},
        {"ShardId": "child-a", "ParentShardId": "root"},
        {"ShardId": "root"},
        {"ShardId": "orphan", "ParentShardId": "trimmed-long-ago"},
    ]

    order = [shard["ShardId"] for shard in streams.shards_in_order(shards)]

    assert order.index("root") < order.index("child-a") < order.index("child-b")
    assert "orphan" in order


def test_a_lambda_event_gives_the_same_records_as_the_stream_api():
    raw = {
        "eventName": "INSERT",
        "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        "dynamodb": {
            "ApproximateCreationDateTime": 1767225600,
            "SequenceNumber": "111",
            "Keys": {"eventId": {"S": "e1"}},
            "NewImage": {"eventId": {"S": "e1"}, "chainSeq": {"N": "3"}},
        },
    }

    (record,) = streams.records_from_lambda({"Records": [raw]})

    assert record.new_image == {"eventId": "e1", "chainSeq": 3}
    assert record.by_ttl and record.created_at.year == 2026
    assert record.raw_new_image == raw["dynamodb"]["NewImage"]
