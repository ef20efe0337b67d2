"""The restore drill, run against the local stack: it restores every table
beside the live ones, verifies the trail there, compares the counts, and
cleans up after itself."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.archive.tests.support import write
from audit.restore_drill import repository
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS, PATIENTS, TABLES

pytestmark = pytest.mark.django_db


def _drill(*arguments):
    output = StringIO()
    to_time = datetime.now(UTC).isoformat()
    try:
        call_command("restore_drill", "--to-time", to_time, *arguments, stdout=output)
    except CommandError as error:
        return output.getvalue(), error
    return output.getvalue(), None


def _restore_tables():
    names = dynamo.client().list_tables()["TableNames"]
    return sorted(
        name for name in names if name.startswith(dynamo.name(AUDIT_LOGS).replace("audit-logs", "restore-"))
    )


def _put_patient(patient_id):
    dynamo.client().put_item(
        TableName=dynamo.name(PATIENTS), Item=dynamo.to_item({"patientId": patient_id, "status": "active"})
    )


def test_a_drill_restores_every_table_finds_the_counts_equal_and_the_chains_intact_then_removes_them(aws):
    write(12, writers=3)
    _put_patient("drill-patient-1")

    report, error = _drill()

    assert error is None, report
    lines = report.splitlines()
    for table in TABLES:
        row = next(line for line in lines if line.startswith(dynamo.name(table) + " "))
        assert row.endswith("equal"), row
    patients = next(line for line in lines if line.startswith(dynamo.name(PATIENTS) + " "))
    assert patients.split()[1:3] == ["1", "1"]
    audit = next(line for line in lines if line.startswith(dynamo.name(AUDIT_LOGS) + " "))
    # The 12 events, their chains' heads, and the drill's own event.
    assert int(audit.split()[2]) >= 13
    assert "13 events checked" in report
    assert "Every chain is intact." in report
    assert "Drill passed." in report
    assert "restore tables were removed" in report
    assert _restore_tables() == []


def test_a_restored_chain_that_was_tampered_with_is_reported_broken_and_its_count_apart(aws, monkeypatch):
    events = write(6)
    _put_patient("drill-patient-1")
    real_restore = repository.restore

    def restore_that_gives_back_a_damaged_copy(table, *, to_time):
        # The outside edge: what AWS hands back. The live tables stay whole.
        name = real_restore(table, to_time=to_time)
        if table is AUDIT_LOGS:
            item = dynamo.client().get_item(
                TableName=name,
                Key=dynamo.to_item({"eventId": events[2].event_id, "timestamp": events[2].timestamp}),
            )["Item"]
            item["action"] = {"S": "test.rewritten"}
            dynamo.client().put_item(TableName=name, Item=item)
        if table is PATIENTS:
            dynamo.client().delete_item(TableName=name, Key=dynamo.to_item({"patientId": "drill-patient-1"}))
        return name

    monkeypatch.setattr(repository, "restore", restore_that_gives_back_a_damaged_copy)

    report, error = _drill()

    assert error is not None and "broken" in str(error)
    assert "ALTERED" in report and events[2].event_id in report
    patients = next(line for line in report.splitlines() if line.startswith(dynamo.name(PATIENTS) + " "))
    assert patients.endswith("1 written since"), patients
    assert "Drill FAILED" in report
    assert _restore_tables() == []


def test_kept_restore_tables_stop_the_next_drill_until_they_are_deleted(aws):
    write(2)

    report, error = _drill("--keep")

    assert error is None, report
    assert len(_restore_tables()) == len(TABLES)
    assert "kept (--keep)" in report
    _, second = _drill()
    assert second is not None and "still there" in str(second)


def test_a_table_without_point_in_time_recovery_is_refused_before_anything_is_restored(aws):
    dynamo.client().update_continuous_backups(
        TableName=dynamo.name(PATIENTS),
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False},
    )

    _, error = _drill()

    assert error is not None and dynamo.name(PATIENTS) in str(error)
    assert _restore_tables() == []


def test_a_time_in_the_future_is_refused():
    with pytest.raises(CommandError, match="future"):
        call_command("restore_drill", "--to-time", "2999-01-01T00:00:00Z", stdout=StringIO())
