"""Verification against the archive names what the chains alone cannot see:
an event edited, sealed again with SHA-256, its successors relinked and the
head rewritten; and an overwrite, a delete, a TTL rewrite, a reorder, an
event that never reached the archive."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit import repository
from audit.archive.tests.support import OPERATOR, drain, write
from audit.domain import seal, timestamp_bound, verify_chain_segment
from audit.selectors import audit_verify
from medisecure import dynamo
from medisecure.identity.actors import NO_REQUEST
from medisecure.tables import AUDIT_LOGS

pytestmark = pytest.mark.django_db
TODAY = datetime.now(UTC).date()
SINCE = timestamp_bound(TODAY - timedelta(days=1), end=False)
UNTIL = timestamp_bound(TODAY + timedelta(days=1), end=True)


@pytest.fixture
def one_chain(settings):
    settings.AUDIT_CHAIN_COUNT = 1


def _verify():
    return audit_verify(since=SINCE, until=UNTIL, actor=OPERATOR, audit=NO_REQUEST)


def _key(event):
    return dynamo.to_item({"eventId": event.event_id, "timestamp": event.timestamp})


def _raw(event):
    return dynamo.client().get_item(TableName=dynamo.name(AUDIT_LOGS), Key=_key(event))["Item"]


def _put_raw(item):
    dynamo.client().put_item(TableName=dynamo.name(AUDIT_LOGS), Item=item)


def _named(verdict, kind):
    return {finding.event_id for finding in verdict.findings if finding.kind == kind}


def _reseal_attack(events, index, *, reseal_successors=True):
    """What someone holding the portal's write access can do: relabel a
    doctor's chart.read as the patient's own view, seal it again, relink
    every later event (sealing each again, unless told not to) and rewrite
    the chain's head."""
    chain = [repository.event_from_values(dynamo.from_item(_raw(event))) for event in events]
    expires_at = int(dynamo.from_item(_raw(events[0]))["expiresAt"])
    previous_hash = chain[index].prev_hash
    rewritten = []
    for position, event in enumerate(chain[index:], start=index):
        if position == index:
            event = replace(event, user_id=event.patient_id or "the-patient", role="patient")
        if position > index and not reseal_successors:
            sealed = replace(event, prev_hash=previous_hash)  # relinked, its old seal kept
        else:
            sealed = seal(event, chain_id=event.chain_id, chain_seq=event.chain_seq, prev_hash=previous_hash)
        _put_raw(dynamo.to_item(repository._to_values(sealed, expires_at)))
        rewritten.append(sealed)
        previous_hash = sealed.hash
    last = rewritten[-1]
    head = dynamo.from_item(
        dynamo.client().get_item(
            TableName=dynamo.name(AUDIT_LOGS), Key=dynamo.to_item(repository.head_key(last.chain_id))
        )["Item"]
    )
    _put_raw(dynamo.to_item({**head, "lastHash": last.hash}))
    return chain[:index] + rewritten


def test_an_untouched_trail_verifies_against_its_archive(aws):
    write(12, writers=3)
    drain()

    verdict = _verify()

    assert verdict.intact, verdict.findings
    assert verdict.events_checked == 12


def test_a_resealed_and_relinked_event_with_its_head_rewritten_is_named(aws, one_chain):
    events = write(5)
    drain()
    chain_id = events[0].chain_id
    # Relinking a successor without sealing it again breaks its seal: the
    # previous event's hash is part of the digest.
    relinked = _reseal_attack(events, 2, reseal_successors=False)
    head = repository.read_head(chain_id)
    findings = verify_chain_segment(chain_id, relinked, before=None, after=None, head=head)
    assert events[3].event_id in {finding.event_id for finding in findings if finding.kind == "altered"}

    tampered = _reseal_attack(events, 2)

    # The chains alone are fooled: every seal, link and the head check.
    head = repository.read_head(chain_id)
    assert verify_chain_segment(chain_id, tampered, before=None, after=None, head=head) == []
    verdict = _verify()
    assert not verdict.intact
    assert events[2].event_id in _named(verdict, "resealed")
    drain()  # the archiver has seen the rewrites too
    verdict = _verify()
    assert events[2].event_id in _named(verdict, "resealed") & _named(verdict, "changed")
    assert any(events[2].event_id in finding.message for finding in verdict.findings)


def test_audit_verify_exits_non_zero_naming_the_resealed_event(aws, one_chain):
    events = write(4)
    drain()
    call_command("audit_verify", "--since", str(TODAY), stdout=StringIO())
    _reseal_attack(events, 1)

    output = StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("audit_verify", "--since", str(TODAY), stdout=output)

    assert "RESEALED" in output.getvalue() and events[1].event_id in output.getvalue()


def test_an_overwrite_by_put_item_is_named(aws, one_chain):
    events = write(3)
    drain()
    item = _raw(events[1])
    item["action"] = {"S": "test.rewritten"}
    _put_raw(item)
    drain()

    verdict = _verify()

    assert events[1].event_id in _named(verdict, "altered") & _named(verdict, "changed")


def test_a_deleted_event_is_named_even_when_its_head_is_rewound(aws, one_chain):
    events = write(3)
    drain()
    dynamo.client().delete_item(TableName=dynamo.name(AUDIT_LOGS), Key=_key(events[2]))
    head_key = dynamo.to_item(repository.head_key(events[2].chain_id))
    head = dynamo.from_item(dynamo.client().get_item(TableName=dynamo.name(AUDIT_LOGS), Key=head_key)["Item"])
    _put_raw(dynamo.to_item({**head, "lastSeq": 2, "lastHash": events[1].hash}))
    drain()

    verdict = _verify()

    assert events[2].event_id in _named(verdict, "missing") & _named(verdict, "changed")


def test_a_ttl_rewrite_is_named(aws, one_chain):
    events = write(3)
    drain()
    item = _raw(events[0])
    item["expiresAt"] = {"N": "1"}
    _put_raw(item)
    drain()

    verdict = _verify()

    assert _named(verdict, "changed") == {events[0].event_id}


def test_a_reorder_is_named(aws, one_chain):
    events = write(4)
    drain()
    first, second = _raw(events[1]), _raw(events[2])
    for field in ("chainSeq", "chainPos", "prevHash", "hash"):
        first[field], second[field] = second[field], first[field]
    _put_raw(first)
    _put_raw(second)

    verdict = _verify()

    assert {events[1].event_id, events[2].event_id} <= _named(verdict, "reordered")


def test_an_event_that_never_reached_the_archive_is_named_once_past_the_consumers_lag(aws, settings):
    (archived,) = write(1)
    drain()
    (late,) = write(1)

    assert _verify().intact, "within the lag it is on its way"
    settings.AUDIT_ARCHIVE_GRACE_SECONDS = 0
    named = _named(_verify(), "unarchived")  # the first verification's own event among them
    assert late.event_id in named and archived.event_id not in named
