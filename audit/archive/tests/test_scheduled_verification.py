"""The nightly verification reads only what is new since the last intact
run, records each run for the admin, and keeps finding a break."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.archive.tests.support import drain, write
from audit.selectors import audit_verification_last
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_lag(settings):
    settings.AUDIT_ARCHIVE_GRACE_SECONDS = 0


def _scheduled():
    output = StringIO()
    call_command("audit_verify", "--scheduled", stdout=output)
    return output.getvalue()


def test_each_scheduled_run_checks_only_what_is_new_and_is_recorded(aws, no_lag):
    write(5)
    drain()
    assert audit_verification_last() is None

    assert "Every chain is intact" in _scheduled()
    first = audit_verification_last()
    write(2)
    drain()  # the first run's own event and these two
    _scheduled()
    second = audit_verification_last()

    assert first.intact and first.events_checked == 5
    assert second.since == first.until and second.events_checked == 3
    assert second.version == first.version + 1


def test_a_break_fails_the_run_and_is_found_again_the_next_night(aws, no_lag, settings):
    settings.AUDIT_CHAIN_COUNT = 1
    events = write(3)
    drain()
    item = dynamo.client().get_item(
        TableName=dynamo.name(AUDIT_LOGS),
        Key=dynamo.to_item({"eventId": events[1].event_id, "timestamp": events[1].timestamp}),
    )["Item"]
    item["action"] = {"S": "test.rewritten"}
    dynamo.client().put_item(TableName=dynamo.name(AUDIT_LOGS), Item=item)
    drain()

    for _night in range(2):
        with pytest.raises(CommandError, match="broken"):
            _scheduled()
        run = audit_verification_last()
        assert not run.intact and run.verified_until == "0"
