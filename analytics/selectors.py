"""The marketer's dashboard: counters only, every one suppressed before it
leaves this module, each read audited (analytics.read, with the range and
the chart asked for)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from analytics import repository
from analytics.charts import Chart, chart
from analytics.domain import (
    APPOINTMENT_RECORDS,
    APPOINTMENTS,
    BY_SPECIALTY,
    BY_VISIT_TYPE,
    FUNNEL,
    FUNNEL_LABELS,
    FUNNEL_STEPS,
    HOUR,
    HOURS,
    LEAD_BANDS,
    LEAD_LABELS,
    LEAD_TIME,
    PATIENT_KINDS,
    PATIENT_LABELS,
    PATIENT_RECORDS,
    PATIENTS,
    SIGNUPS,
    STATUS_LABELS,
    STATUSES,
    WEEKDAY,
    WEEKDAY_LABELS,
    WEEKDAYS,
    UnknownChart,
    cell,
    week_monday,
    week_of,
    weeks_between,
    weeks_ending,
)
from audit.domain import ALLOWED
from audit.services import audit_record
from medisecure import clinic_time, clock
from medisecure.identity.actors import Actor, AuditContext

CHARTS = (FUNNEL, APPOINTMENTS, BY_SPECIALTY, BY_VISIT_TYPE, PATIENTS, LEAD_TIME, WEEKDAY, HOUR)


@dataclass(frozen=True)
class DateRange:
    first_week: str
    last_week: str

    @property
    def weeks(self) -> list[str]:
        return weeks_between(week_monday(self.first_week), week_monday(self.last_week))

    @property
    def starts(self) -> str:
        return clinic_time.clinic_date(week_monday(self.first_week))

    @property
    def ends(self) -> str:
        return clinic_time.clinic_date(week_monday(self.last_week) + timedelta(days=6))


def date_range(first: date | None = None, last: date | None = None) -> DateRange:
    """The weeks from `first`'s to `last`'s; by default the last twelve."""
    if first is None or last is None:
        weeks = weeks_ending(clinic_time.in_clinic(clock.now()).date())
        return DateRange(weeks[0], weeks[-1])
    return DateRange(week_of(first), week_of(last))


def _week_rows(weeks: list[str]) -> list[tuple[str, str]]:
    return [(week, f"Week of {clinic_time.clinic_date(week_monday(week))}") for week in weeks]


def _by_week():
    def cell_of(week: str, row: str, column: str) -> str | None:
        return cell(week, column) if week == row else None

    return cell_of


def _dimensions(counters: dict[str, int]) -> list[tuple[str, str]]:
    """The specialties (or visit types) the counters name, in order."""
    names = sorted({name.split("#")[1] for name in counters if name.count("#") == 2})
    return [(name, name) for name in names]


def _statuses() -> list[tuple[str, str]]:
    return [(status, STATUS_LABELS[status]) for status in STATUSES]


def _hour_label(hour: str) -> str:
    return clinic_time.clinic_time(datetime.combine(date(2026, 1, 5), time(int(hour)), clinic_time.zone()))


def _build(metric: str, counters: dict[str, int], weeks: list[str]) -> Chart:
    week_rows = _week_rows(weeks)
    if metric == FUNNEL:
        return chart(
            slug=metric,
            title="Sign-up funnel",
            explanation="People who started signing up, proved their email with the code, made their account "
            "and booked a first appointment, by the week each step was taken.",
            row_heading="Week",
            rows=week_rows,
            columns=[(step, FUNNEL_LABELS[step]) for step in FUNNEL_STEPS],
            counters=counters,
            cell_of=_by_week(),
            weeks=weeks,
        )
    if metric == APPOINTMENTS:
        return chart(
            slug=metric,
            title="Appointments by week",
            explanation="Appointments by the week of the visit: every booking, and how many of them were "
            "cancelled, missed or completed.",
            row_heading="Week",
            rows=week_rows,
            columns=_statuses(),
            counters=counters,
            cell_of=_by_week(),
            weeks=weeks,
        )
    if metric in (BY_SPECIALTY, BY_VISIT_TYPE):
        what = "specialty" if metric == BY_SPECIALTY else "visit type"
        return chart(
            slug=metric,
            title=f"Appointments by {what}",
            explanation=f"Appointments with visits in the range, by the doctor's {what} and how they ended.",
            row_heading=what.capitalize(),
            rows=_dimensions(counters),
            columns=_statuses(),
            counters=counters,
            cell_of=lambda week, row, column: cell(week, row, column),
            weeks=weeks,
            complementary=True,
        )
    if metric == PATIENTS:
        return chart(
            slug=metric,
            title="New and returning patients",
            explanation="Bookings made each week by patients booking for the first time and by patients "
            "who had booked before.",
            row_heading="Week",
            rows=week_rows,
            columns=[(kind, PATIENT_LABELS[kind]) for kind in PATIENT_KINDS],
            counters=counters,
            cell_of=_by_week(),
            weeks=weeks,
        )
    if metric == LEAD_TIME:
        return chart(
            slug=metric,
            title="How far ahead people book",
            explanation="Bookings made in the range, by the days between booking and the visit.",
            row_heading="Booked ahead",
            rows=[(band, LEAD_LABELS[band]) for band in LEAD_BANDS],
            columns=[("all", "Bookings")],
            counters=counters,
            cell_of=lambda week, row, column: cell(week, row),
            weeks=weeks,
            complementary=True,
        )
    if metric == WEEKDAY:
        return chart(
            slug=metric,
            title="Busiest weekdays",
            explanation="Visits not cancelled, by the weekday they fall on in the clinic's time.",
            row_heading="Weekday",
            rows=[(day, WEEKDAY_LABELS[day]) for day in WEEKDAYS],
            columns=[("all", "Visits")],
            counters=counters,
            cell_of=lambda week, row, column: cell(week, row),
            weeks=weeks,
            complementary=True,
        )
    return chart(
        slug=HOUR,
        title="Busiest hours",
        explanation="Visits not cancelled, by the hour they start in the clinic's time.",
        row_heading="Starting",
        rows=[(hour, _hour_label(hour)) for hour in HOURS],
        columns=[("all", "Visits")],
        counters=counters,
        cell_of=lambda week, row, column: cell(week, row),
        weeks=weeks,
        complementary=True,
    )


def _audit(actor: Actor, audit: AuditContext, span: DateRange, *, charts: str, download: bool) -> None:
    audit_record(
        actor=actor,
        audit=audit,
        action="analytics.read",
        outcome=ALLOWED,
        resource_type="analytics",
        resource_id=charts,
        detail={
            "first_week": span.first_week,
            "last_week": span.last_week,
            "charts": charts,
            "format": "csv" if download else "page",
        },
    )


def dashboard_get(*, actor: Actor, audit: AuditContext, span: DateRange) -> list[Chart]:
    """Every chart over `span`: one Query per chart, and the audit event."""
    weeks = span.weeks
    charts = [
        _build(metric, repository.counters_between(metric, span.first_week, span.last_week), weeks)
        for metric in CHARTS
    ]
    _audit(actor, audit, span, charts="all", download=False)
    return charts


def chart_get(*, actor: Actor, audit: AuditContext, span: DateRange, metric: str) -> Chart:
    """One chart, for its CSV download: one Query, and the audit event."""
    if metric not in CHARTS:
        raise UnknownChart(metric)
    built = _build(metric, repository.counters_between(metric, span.first_week, span.last_week), span.weeks)
    _audit(actor, audit, span, charts=metric, download=True)
    return built


@dataclass(frozen=True)
class SourceLag:
    source: str
    newest_record_at: datetime
    handled_at: datetime
    behind_seconds: int  # how old the newest record was when it was handled


SOURCE_NAMES = {SIGNUPS: "Sign-ups", PATIENT_RECORDS: "Patient records", APPOINTMENT_RECORDS: "Appointments"}


def projector_lag_list() -> list[SourceLag]:
    """How far behind its streams the projector was when it last ran: one
    Query of its progress items (admins only)."""
    return [
        SourceLag(
            source=SOURCE_NAMES.get(source, source),
            newest_record_at=newest,
            handled_at=handled,
            behind_seconds=max(0, int((handled - newest).total_seconds())),
        )
        for source, newest, handled in repository.progress_list()
    ]
