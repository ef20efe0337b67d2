from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from audit import repository
from audit.domain import ALLOWED, GENESIS_HASH, AuditEvent, is_intact
from audit.services import Actor, audit_event_add, audit_record
from medisecure import dynamo
from medisecure.identity.actors import ANONYMOUS, NO_REQUEST, AuditContext
from medisecure.tables import AUDIT_LOGS
from medisecure.unit_of_work import Transaction

OPERATOR = Actor(user_id="system:test", role="operator")


def _chain(chain_id):
    return list(repository.chain_segment(chain_id, "0", "~"))


def test_it_seals_each_event_onto_the_previous_one_in_its_chain(aws, settings):
    settings.AUDIT_CHAIN_COUNT = 1
    first = audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.one", outcome=ALLOWED)
    second = audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.two", outcome=ALLOWED)

    assert first.prev_hash == GENESIS_HASH and first.chain_seq == 1
    assert second.prev_hash == first.hash and second.chain_seq == 2
    assert [event.event_id for event in _chain(first.chain_id)] == [first.event_id, second.event_id]
    assert all(is_intact(event) for event in _chain(first.chain_id))


def test_an_altered_field_breaks_the_seal():
    event = AuditEvent(
        event_id="e1",
        timestamp="2026-01-01T00:00:00.000000Z",
        org_id="o",
        user_id="u",
        role="doctor",
        action="patient.read",
        outcome=ALLOWED,
        patient_id="p1",
    )
    from audit.domain import seal

    sealed = seal(event, chain_id="o#chain-0", chain_seq=1, prev_hash=GENESIS_HASH)
    assert is_intact(sealed)
    assert not is_intact(replace(sealed, patient_id="p2"))


def test_concurrent_writers_never_fork_a_chain(aws, settings):
    settings.AUDIT_CHAIN_COUNT = 1

    def write(number):
        return audit_record(actor=OPERATOR, audit=NO_REQUEST, action=f"test.{number}", outcome=ALLOWED)

    with ThreadPoolExecutor(max_workers=4) as pool:
        written = list(pool.map(write, range(12)))

    chain = _chain(written[0].chain_id)
    assert [event.chain_seq for event in chain] == list(range(1, 13))
    for previous, current in zip(chain, chain[1:]):
        assert current.prev_hash == previous.hash


def test_an_event_is_stored_with_who_what_where_and_a_seven_year_expiry(aws):
    where = AuditContext(request_id="req-123", ip="10.1.2.3", user_agent="Browser/1.0")
    event = audit_record(
        actor=ANONYMOUS, audit=where, action="auth.sign_in", outcome="denied", detail={"reason": "x"}
    )

    stored, _ = repository.list_by("action", "auth.sign_in")
    assert stored[0].event_id == event.event_id
    assert (stored[0].ip, stored[0].user_agent, stored[0].request_id) == (
        "10.1.2.3",
        "Browser/1.0",
        "req-123",
    )
    assert stored[0].user_id == "anonymous" and stored[0].detail == {"reason": "x"}
    item = dynamo.client().get_item(
        TableName=dynamo.name(AUDIT_LOGS),
        Key=dynamo.to_item({"eventId": event.event_id, "timestamp": event.timestamp}),
    )["Item"]
    import time

    years = (int(item["expiresAt"]["N"]) - time.time()) / (365.25 * 86400)
    assert 6.99 < years < 7.1


def test_it_refuses_an_unknown_outcome():
    with pytest.raises(ValueError):
        AuditEvent(
            event_id="e", timestamp="t", org_id="o", user_id="u", role="r", action="a", outcome="maybe"
        )


class PatientThere(Exception):
    """The guarded put's refusal, in these tests."""


def _guarded_put(condition_holds: bool):
    from boto3.dynamodb.conditions import Attr

    from medisecure.tables import PATIENTS

    guard = Attr("patientId").not_exists() if condition_holds else Attr("patientId").exists()
    return dynamo.put_entry(PATIENTS, {"patientId": "p-atomic", "givenName": "Atomic"}, guard)


def _write_with_event(condition_holds: bool):
    tx = Transaction()
    tx.add(_guarded_put(condition_holds), refused=PatientThere)
    part = audit_event_add(tx, actor=OPERATOR, audit=NO_REQUEST, action="test.write", outcome=ALLOWED)
    tx.commit()
    return part.sealed


def test_a_phi_write_and_its_event_land_together(aws):
    from medisecure.tables import PATIENTS

    event = _write_with_event(True)

    assert dynamo.get(PATIENTS, {"patientId": "p-atomic"})["givenName"] == "Atomic"
    assert repository.get(event.event_id, event.timestamp) == event


def test_when_the_phi_write_is_refused_neither_it_nor_its_event_lands(aws, settings):
    from medisecure.tables import PATIENTS

    settings.AUDIT_CHAIN_COUNT = 1
    with pytest.raises(PatientThere):
        _write_with_event(False)

    assert dynamo.get(PATIENTS, {"patientId": "p-atomic"}) is None
    assert repository.list_by("action", "test.write")[0] == []
    assert repository.read_head(f"{settings.CLINIC_ID}#chain-0").last_seq == 0


def test_a_thread_appends_its_next_event_in_one_round_trip(aws, settings, dynamodb_calls):
    settings.AUDIT_CHAIN_COUNT = 4
    first = audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.one", outcome=ALLOWED)
    dynamodb_calls.clear()

    second = audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.two", outcome=ALLOWED)

    assert dict(dynamodb_calls) == {"TransactWriteItems": 1}
    assert (second.chain_id, second.chain_seq, second.prev_hash) == (first.chain_id, 2, first.hash)


def _in_another_thread(function):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def test_a_remembered_head_another_writer_moved_on_costs_a_retry_not_a_fork(aws, settings):
    settings.AUDIT_CHAIN_COUNT = 1
    audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.mine", outcome=ALLOWED)
    _in_another_thread(
        lambda: audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.theirs", outcome=ALLOWED)
    )

    third = audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.mine.again", outcome=ALLOWED)

    chain = _chain(third.chain_id)
    assert [event.chain_seq for event in chain] == [1, 2, 3]
    assert all(current.prev_hash == previous.hash for previous, current in zip(chain, chain[1:]))


def test_a_remembered_head_with_the_right_number_but_another_hash_is_not_trusted(aws, local_stack, settings):
    settings.AUDIT_CHAIN_COUNT = 1
    audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.before.reset", outcome=ALLOWED)
    local_stack.reset()  # the remembered head now names an event that is gone
    from medisecure import bootstrap

    bootstrap.ensure_tables()
    _in_another_thread(
        lambda: audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.other.first", outcome=ALLOWED)
    )

    second = audit_record(actor=OPERATOR, audit=NO_REQUEST, action="test.after.reset", outcome=ALLOWED)

    chain = _chain(second.chain_id)
    assert [event.chain_seq for event in chain] == [1, 2]
    assert chain[1].prev_hash == chain[0].hash


def test_an_event_is_never_written_over_one_already_stored(aws, settings):
    """Every audit PutItem carries attribute_not_exists on the event's key:
    an event with a stored event's id and time is refused, and the stored
    one, its expiry included, stays as it was."""
    settings.AUDIT_CHAIN_COUNT = 1
    event = AuditEvent(
        event_id="fixed-id",
        timestamp="2026-01-01T00:00:00.000000Z",
        org_id=settings.CLINIC_ID,
        user_id="u1",
        role="doctor",
        action="chart.read",
        outcome=ALLOWED,
    )
    first = Transaction()
    first.add_rebuilt(repository.ChainedEvent(event, chain_count=1, retention_seconds=100))
    first.commit()
    key = dynamo.to_item({"eventId": "fixed-id", "timestamp": event.timestamp})
    stored = dynamo.client().get_item(TableName=dynamo.name(AUDIT_LOGS), Key=key)["Item"]

    again = Transaction()
    again.add_rebuilt(
        repository.ChainedEvent(replace(event, user_id="u2"), chain_count=1, retention_seconds=1)
    )
    with pytest.raises(repository.AuditWriteFailed):
        again.commit()

    assert dynamo.client().get_item(TableName=dynamo.name(AUDIT_LOGS), Key=key)["Item"] == stored
    (put, _) = repository.ChainedEvent(event, chain_count=1, retention_seconds=1).writes(2)
    assert "attribute_not_exists" in put.operation["Put"]["ConditionExpression"]


def test_the_seal_covers_the_link_to_the_previous_event():
    """An event relinked onto another predecessor without being sealed again
    no longer matches its seal: the previous hash is part of the digest."""
    from audit.domain import seal

    event = AuditEvent(
        event_id="e2",
        timestamp="2026-01-01T00:00:01.000000Z",
        org_id="o",
        user_id="u",
        role="doctor",
        action="chart.read",
        outcome=ALLOWED,
    )
    sealed = seal(event, chain_id="o#chain-0", chain_seq=2, prev_hash="a" * 64)

    assert is_intact(sealed)
    assert not is_intact(replace(sealed, prev_hash="b" * 64))
    assert not is_intact(replace(sealed, chain_seq=3))
