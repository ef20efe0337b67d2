"""The unit of work against the local stack: all or nothing, and a refusal
answered with the exception of the write that was refused."""

from __future__ import annotations

import threading

import pytest
from boto3.dynamodb.conditions import Attr

from audit import repository as audit_repository
from audit.domain import ALLOWED
from audit.repository import AuditWriteFailed
from audit.services import audit_event_add
from medisecure import dynamo
from medisecure.identity.actors import NO_REQUEST, system_actor
from medisecure.tables import SLOT_LOCKS
from medisecure.unit_of_work import Transaction, WriteRefused
from tests.faults import at_send, json_error

ACTOR = system_actor("unit_of_work_test")


class FirstLockTaken(Exception):
    pass


class SecondLockTaken(Exception):
    pass


def _lock(lock_id: str) -> dict:
    return dynamo.put_entry(SLOT_LOCKS, {"lockId": lock_id, "holder": "test"}, Attr("lockId").not_exists())


def _events() -> list:
    events, _ = audit_repository.list_by("action", "test.unit_of_work", limit=50)
    return events


def _book(tx: Transaction, first: str, second: str) -> None:
    tx.add(_lock(first), refused=FirstLockTaken)
    tx.add(_lock(second), refused=SecondLockTaken)
    audit_event_add(tx, actor=ACTOR, audit=NO_REQUEST, action="test.unit_of_work", outcome=ALLOWED)


def test_two_writes_and_their_event_land_together(aws):
    tx = Transaction()
    _book(tx, "a", "b")

    tx.commit()

    assert dynamo.get(SLOT_LOCKS, {"lockId": "a"}) and dynamo.get(SLOT_LOCKS, {"lockId": "b"})
    assert [event.action for event in _events()] == ["test.unit_of_work"]


def test_the_second_writes_guard_raises_its_exception_and_nothing_is_written(aws):
    taken = Transaction()
    taken.add(_lock("b"), refused=SecondLockTaken)
    taken.commit()

    tx = Transaction()
    _book(tx, "a", "b")
    with pytest.raises(SecondLockTaken):
        tx.commit()

    assert dynamo.get(SLOT_LOCKS, {"lockId": "a"}) is None
    assert _events() == []


def test_the_write_added_first_decides_when_several_are_refused(aws):
    for lock_id in ("a", "b"):
        tx = Transaction()
        tx.add(_lock(lock_id))
        tx.commit()

    tx = Transaction()
    _book(tx, "a", "b")
    with pytest.raises(FirstLockTaken):
        tx.commit()


def test_a_refused_write_that_names_no_exception_is_a_write_refused(aws):
    Transaction().add(_lock("a"))  # never committed: writes nothing
    first = Transaction()
    first.add(_lock("a"))
    first.commit()

    again = Transaction()
    again.add(_lock("a"))
    with pytest.raises(WriteRefused):
        again.commit()


def test_writers_racing_for_one_audit_chain_all_land_by_retrying_on_fresh_heads(aws, settings):
    settings.AUDIT_CHAIN_COUNT = 1
    failures = []

    def write(number: int) -> None:
        try:
            tx = Transaction()
            tx.add(_lock(f"lock-{number}"))
            audit_event_add(tx, actor=ACTOR, audit=NO_REQUEST, action="test.unit_of_work")
            tx.commit()
        except Exception as error:  # noqa: BLE001  a thread reports every failure
            failures.append(error)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    events = _events()
    assert sorted(event.chain_seq for event in events) == list(range(1, 9))
    head = audit_repository.read_head(events[0].chain_id)
    assert head.last_seq == 8


def test_an_audit_event_that_cannot_be_stored_fails_the_whole_transaction(aws):
    tx = Transaction()
    tx.add(_lock("a"))
    audit_event_add(tx, actor=ACTOR, audit=NO_REQUEST, action="test.unit_of_work")

    def throttle(request, operation):
        if operation == "TransactWriteItems":
            return json_error(
                request, status=400, code="ProvisionedThroughputExceededException", message="slow down"
            )
        return None

    with at_send("dynamodb", throttle), pytest.raises(AuditWriteFailed):
        tx.commit()

    assert dynamo.get(SLOT_LOCKS, {"lockId": "a"}) is None
    assert _events() == []
