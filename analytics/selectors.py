"""The marketer's dashboard: counters only, small cells suppressed."""

from __future__ import annotations

from analytics import repository
from analytics.domain import (
    APPOINTMENTS_ALL,
    STATUSES,
    Dashboard,
    WeekRow,
    counter_key,
    suppressed,
    week_monday,
    weeks_ending,
)
from audit.domain import ALLOWED
from audit.services import audit_record
from medisecure import clinic_time, clock
from medisecure.identity.actors import Actor, AuditContext


def dashboard_get(*, actor: Actor, audit: AuditContext) -> Dashboard:
    """The last twelve weeks of appointments by status: one Query and the
    audit event (analytics.read)."""
    weeks = weeks_ending(clinic_time.in_clinic(clock.now()).date())
    counters = repository.counters_between(APPOINTMENTS_ALL, weeks[0], weeks[-1])
    rows = tuple(
        WeekRow(
            week=week,
            starts=clinic_time.clinic_date(week_monday(week)),
            cells=tuple(suppressed(counters.get(counter_key(week, status), 0)) for status in STATUSES),
        )
        for week in weeks
    )
    audit_record(
        actor=actor,
        audit=audit,
        action="analytics.read",
        outcome=ALLOWED,
        resource_type="analytics",
        resource_id="appointments",
        detail={"first_week": weeks[0], "last_week": weeks[-1]},
    )
    return Dashboard(rows=rows)
