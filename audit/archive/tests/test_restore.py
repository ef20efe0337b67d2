"""The archive alone rebuilds the trail."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.archive.tests.support import OPERATOR, drain, versions, write
from audit.domain import timestamp_bound
from audit.selectors import audit_verify
from medisecure import bootstrap, dynamo
from medisecure.identity.actors import NO_REQUEST
from medisecure.tables import AUDIT_LOGS

pytestmark = pytest.mark.django_db
TODAY = datetime.now(UTC).date()


def _empty_the_audit_table():
    client = dynamo.client()
    client.delete_table(TableName=dynamo.name(AUDIT_LOGS))
    client.get_waiter("table_not_exists").wait(TableName=dynamo.name(AUDIT_LOGS), WaiterConfig={"Delay": 0.1})
    bootstrap.ensure_tables()


def test_a_trail_restored_from_the_archive_into_an_empty_table_verifies_intact(aws):
    written = write(24, writers=4)
    drain()
    archived = versions("events/")
    _empty_the_audit_table()

    output = StringIO()
    call_command("audit_restore", "--from-archive", "--into", dynamo.name(AUDIT_LOGS), stdout=output)

    assert "Restored 24 events" in output.getvalue()
    drain()  # the restored events come down the new stream: the archive already has each
    verdict = audit_verify(
        since=timestamp_bound(TODAY - timedelta(days=1), end=False),
        until=timestamp_bound(TODAY + timedelta(days=1), end=True),
        actor=OPERATOR,
        audit=NO_REQUEST,
    )
    assert verdict.intact, verdict.findings
    assert verdict.events_checked == 25  # and the restore's own event
    assert all(versions("events/")[key] == 1 for key in archived)
    assert {event.event_id for event in written} <= {key.split("/")[3] for key in versions("events/")}


def test_it_restores_only_into_an_empty_table(aws):
    write(1)
    drain()

    with pytest.raises(CommandError, match="not empty"):
        call_command("audit_restore", "--from-archive", "--into", dynamo.name(AUDIT_LOGS), stdout=StringIO())
