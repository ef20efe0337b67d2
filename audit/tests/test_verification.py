"""Verification names each tampering: a deleted event, an altered field, a
swapped pair; and passes an untouched trail, however many wrote it at once."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit import repository
from audit.domain import ALLOWED, timestamp_bound
from audit.selectors import audit_verify
from audit.services import Actor, audit_record
from medisecure import aws as aws_clients
from medisecure import dynamo
from medisecure.identity.actors import NO_REQUEST
from medisecure.tables import AUDIT_LOGS

OPERATOR = Actor(user_id="system:test", role="operator")
pytestmark = pytest.mark.django_db
TODAY = datetime.now(UTC).date()
SINCE = timestamp_bound(TODAY - timedelta(days=1), end=False)
UNTIL = timestamp_bound(TODAY + timedelta(days=1), end=True)


@pytest.fixture
def one_chain(settings):
    settings.AUDIT_CHAIN_COUNT = 1


def _write(count):
    return [
        audit_record(actor=OPERATOR, audit=NO_REQUEST, action=f"test.event_{n}", outcome=ALLOWED)
        for n in range(count)
    ]


def _raw(event):
    return aws_clients.client("dynamodb").get_item(
        TableName=dynamo.name(AUDIT_LOGS),
        Key=dynamo.to_item({"eventId": event.event_id, "timestamp": event.timestamp}),
    )["Item"]


def _put_raw(item):
    aws_clients.client("dynamodb").put_item(TableName=dynamo.name(AUDIT_LOGS), Item=item)


def _verify():
    return audit_verify(since=SINCE, until=UNTIL, actor=OPERATOR, audit=NO_REQUEST)


def test_an_untouched_trail_verifies(aws, one_chain):
    _write(5)

    verdict = _verify()

    assert verdict.intact and verdict.events_checked == 5


def test_it_names_a_deleted_event(aws, one_chain):
    events = _write(5)
    aws_clients.client("dynamodb").delete_item(
        TableName=dynamo.name(AUDIT_LOGS),
        Key=dynamo.to_item({"eventId": events[2].event_id, "timestamp": events[2].timestamp}),
    )

    verdict = _verify()

    assert [(f.kind, f.chain_seq) for f in verdict.findings] == [("missing", 3)]
    assert (
        events[1].event_id in verdict.findings[0].message
        and events[3].event_id in verdict.findings[0].message
    )


def test_it_names_the_newest_event_when_it_is_deleted(aws, one_chain):
    events = _write(3)
    aws_clients.client("dynamodb").delete_item(
        TableName=dynamo.name(AUDIT_LOGS),
        Key=dynamo.to_item({"eventId": events[2].event_id, "timestamp": events[2].timestamp}),
    )

    assert [(f.kind, f.chain_seq) for f in _verify().findings] == [("missing", 3)]


def test_it_names_an_altered_field(aws, one_chain):
    events = _write(4)
    item = _raw(events[1])
    item["userId"] = {"S": "someone-else"}
    _put_raw(item)

    verdict = _verify()

    assert [(f.kind, f.event_id) for f in verdict.findings] == [("altered", events[1].event_id)]


def test_it_names_a_swapped_pair(aws, one_chain):
    events = _write(4)
    first, second = _raw(events[1]), _raw(events[2])
    for field in ("chainSeq", "chainPos", "prevHash", "hash"):
        first[field], second[field] = second[field], first[field]
    _put_raw(first)
    _put_raw(second)

    verdict = _verify()

    named = {f.event_id for f in verdict.findings if f.kind in ("altered", "out_of_order")}
    assert {events[1].event_id, events[2].event_id} <= named
    assert not verdict.intact


def test_sixteen_concurrent_writers_on_one_chain_neither_fork_nor_lose_an_event(aws, one_chain):
    with ThreadPoolExecutor(max_workers=16) as pool:
        written = list(pool.map(lambda n: _write(3), range(16)))

    chain = list(repository.chain_segment(written[0][0].chain_id, "0", "~"))
    assert [event.chain_seq for event in chain] == list(range(1, 49))
    assert {event.event_id for batch in written for event in batch} == {event.event_id for event in chain}
    assert _verify().intact


def test_audit_verify_command_exits_non_zero_on_a_broken_chain(aws, one_chain):
    events = _write(3)
    output = StringIO()
    call_command("audit_verify", "--since", str(TODAY), stdout=output)
    assert "Every chain is intact" in output.getvalue()
    item = _raw(events[0])
    item["action"] = {"S": "test.rewritten"}
    _put_raw(item)

    broken = StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("audit_verify", "--since", str(TODAY), stdout=broken)

    assert events[0].event_id in broken.getvalue() and "ALTERED" in broken.getvalue()


def test_audit_report_lists_every_access_to_one_patient_in_the_period(client, cast):
    from tests.support import sign_in

    sign_in(client, cast.patient.email)
    client.get("/patient/")
    client.get("/patient/")
    output = StringIO()

    call_command("audit_report", "--patient", cast.patient.sub, stdout=output)

    lines = output.getvalue().splitlines()
    assert lines[0].startswith(f"# Accounting of disclosures for patient {cast.patient.sub}")
    assert lines[1] == "when,who,role,action,outcome,what"
    assert sum("patient.home.read" in line and "patient@medisecure.test" in line for line in lines) == 2
    assert cast.other_patient.sub not in output.getvalue()


@pytest.mark.parametrize(
    "hostile", ['=HYPERLINK("http://evil.example")', "\x01=1+1", " =1+1", "\t=1", "@SUM(A1)"]
)
def test_audit_report_neutralises_spreadsheet_formulas_as_the_admin_export_does(monkeypatch, hostile):
    from audit.domain import csv_line

    row = {
        "when": "2026-12-01T10:00:00Z",
        "who": hostile,
        "role": "patient",
        "action": "x",
        "outcome": "allowed",
        "what": hostile,
    }
    monkeypatch.setattr("audit.management.commands.audit_report.audit_disclosures", lambda **kwargs: [row])
    output = StringIO()

    call_command("audit_report", "--patient", "some-patient", stdout=output)

    [header, line] = output.getvalue().splitlines()[1:3]
    assert line == csv_line(row.values()).rstrip("\r\n")
    cells = next(__import__("csv").reader([line]))
    assert cells[1] == "'" + hostile and cells[5] == "'" + hostile
