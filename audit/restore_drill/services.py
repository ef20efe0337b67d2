"""The restore drill: every table restored to a point in time beside the
live ones, the audit chains verified there, the item counts compared, the
restore tables removed. Proves that point-in-time recovery gives back a
usable, untampered trail, not only that it is switched on."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from audit.domain import ALLOWED, Verdict, verify_chain_segment
from audit.restore_drill import repository
from audit.restore_drill.domain import DrillReport, TableCount
from audit.services import audit_record
from medisecure.identity.actors import Actor, AuditContext
from medisecure.tables import AUDIT_LOGS, TABLES, physical_name


class PointInTimeRecoveryOff(Exception):
    """A table cannot be restored: point-in-time recovery is not enabled."""


class RestoreTablesExist(Exception):
    """Restore tables of an earlier drill are still there (kept, or a run cut short)."""


def restore_drill(
    *,
    actor: Actor,
    audit: AuditContext,
    to_time: datetime,
    keep: bool = False,
    wait_seconds: float = 4 * 3600,
) -> DrillReport:
    """Restore every table as they were at `to_time`, verify and count them, and
    remove the restore tables unless `keep`. Raises PointInTimeRecoveryOff,
    RestoreTablesExist, repository.RestoreRefused or RestoreTimedOut (the
    restore tables made so far are removed then too, unless `keep`)."""
    tables = TABLES
    off = [physical_name(table) for table in tables if not repository.point_in_time_recovery_on(table)]
    if off:
        raise PointInTimeRecoveryOff(", ".join(off))
    taken = [
        repository.restore_name(table)
        for table in tables
        if repository.exists(repository.restore_name(table))
    ]
    if taken:
        raise RestoreTablesExist(", ".join(taken))
    audit_record(
        actor=actor,
        audit=audit,
        action="audit.restore_drill",
        outcome=ALLOWED,
        resource_type="tables",
        detail={"toTime": to_time.isoformat(), "tables": len(tables)},
    )
    restored: list[str] = []
    try:
        for table in tables:
            restored.append(repository.restore(table, to_time=to_time))
        repository.wait_active(restored, timeout_seconds=wait_seconds)
        counts = tuple(
            TableCount(
                source=physical_name(table),
                restored=name,
                source_items=repository.count_items(physical_name(table)),
                restored_items=repository.count_items(name),
            )
            for table, name in zip(tables, restored)
        )
        audit_table = repository.restore_name(AUDIT_LOGS)
        verdict = _verify_restored_chains(audit_table)
    finally:
        if not keep:
            repository.remove(restored)
    return DrillReport(
        to_time=to_time, counts=counts, audit_table=audit_table, verdict=verdict, removed=not keep
    )


def _verify_restored_chains(table_name: str) -> Verdict:
    """Every chain of the restored trail, from its first event to its head,
    by the checks the nightly verification makes of the live one."""
    findings = []
    events_checked = 0
    for number in range(settings.AUDIT_CHAIN_COUNT):
        chain_id = f"{settings.CLINIC_ID}#chain-{number}"
        events = list(repository.restored_chain(table_name, chain_id))
        events_checked += len(events)
        findings += verify_chain_segment(
            chain_id, events, before=None, after=None, head=repository.restored_head(table_name, chain_id)
        )
    return Verdict("0", repository.END_OF_TIME, settings.AUDIT_CHAIN_COUNT, events_checked, tuple(findings))
