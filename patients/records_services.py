"""Medical history use cases for doctors: the chart, its history page by
page, one entry with its earlier versions, adding an entry and amending one.

Every read is audited (with the chain head read alongside the chart) before
it is returned; every write goes in one transaction with its audit event.
Who may open a chart is decided by patients.chart_access alone."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from audit.domain import ALLOWED, DENIED, TIMESTAMP_FORMAT
from audit.services import actor_of, audit_record
from medisecure import clock, dynamo
from patients import records_repository
from patients import repository as patients
from patients.domain import CareTeamMember
from patients.chart_access import ChartAccess, chart_patient_for_clinician
from patients.records_domain import (
    ENTRY_FIELDS,
    Entry,
    EntryConflict,
    Revision,
    UpcomingAppointment,
    amended_entry,
    new_entry_id,
)

HISTORY_PAGE_SIZE = 20
PATIENTS_PAGE_SIZE = 25
# Entries written to one chart at the same moment race for its summary; the
# loser reads it afresh and tries again (its own entry is not in question).
SUMMARY_ATTEMPTS = 4
CONDITIONAL_FAILED = "ConditionalCheckFailed"


class ChartBusy(Exception):
    """The chart kept changing under this write; nothing was saved."""


class NothingToAmend(Exception):
    """The amendment changes no value."""


@dataclass(frozen=True)
class Chart:
    access: ChartAccess
    upcoming: list[UpcomingAppointment]


@dataclass(frozen=True)
class ChartHistory:
    access: ChartAccess
    entries: list[Entry]
    next_page: str | None


@dataclass(frozen=True)
class EntryWithHistory:
    access: ChartAccess
    entry: Entry
    revisions: list[Revision]


def _now_iso() -> str:
    return clock.now().strftime(TIMESTAMP_FORMAT)


def _audit_read(request, access: ChartAccess, action: str, *, resource_id: str = "", detail: dict | None = None):
    audit_record(
        request=request,
        action=action,
        outcome=ALLOWED,
        resource_type="chart" if not resource_id else "medical_record",
        resource_id=resource_id or access.patient_id,
        patient_id=access.patient_id,
        detail={**access.audit_detail, **(detail or {})},
        head=access.head,
    )


@dataclass(frozen=True)
class CareTeamPatients:
    search: str
    members: list[CareTeamMember]
    next_page: str | None


def care_team_patients_view(*, request, search: str, page_token: str | None) -> CareTeamPatients:
    """One page of the signed-in doctor's care-team patients, by family
    name, narrowed to family names starting with `search`."""
    provider_id = request.user.username
    members, next_page = patients.patients_of_provider_by_name(
        provider_id, family_name_start=search, limit=PATIENTS_PAGE_SIZE, page_token=page_token
    )
    audit_record(
        request=request, action="careteam.search", outcome=ALLOWED, resource_type="provider", resource_id=provider_id,
        detail={"patient_ids": [member.patient_id for member in members]},
    )
    return CareTeamPatients(search=search, members=members, next_page=next_page)


def chart_view(*, request, patient_id: str) -> Chart:
    """A patient's chart: three round trips whatever the history's length
    (the chart read, the upcoming appointments, the audit event)."""
    access = chart_patient_for_clinician(actor=actor_of(request), patient_id=patient_id, request=request)
    upcoming = records_repository.upcoming_appointments(patient_id, since=clock.now().strftime("%Y-%m-%dT%H:%M"))
    _audit_read(request, access, "chart.read")
    return Chart(access=access, upcoming=upcoming)


def chart_history_view(*, request, patient_id: str, page_token: str | None) -> ChartHistory:
    """One page of a patient's entries, newest first. Raises
    dynamo.InvalidPageToken for a token not issued for this history."""
    access = chart_patient_for_clinician(actor=actor_of(request), patient_id=patient_id, request=request)
    entries, next_page = records_repository.history_page(patient_id, limit=HISTORY_PAGE_SIZE, page_token=page_token)
    _audit_read(request, access, "chart.history.read", detail={"entry_ids": [entry.entry_id for entry in entries]})
    return ChartHistory(access=access, entries=entries, next_page=next_page)


def chart_entry_view(*, request, patient_id: str, entry_id: str) -> EntryWithHistory:
    """One entry as it reads now, with every earlier version."""
    access = chart_patient_for_clinician(
        actor=actor_of(request), patient_id=patient_id, request=request, entry_id=entry_id
    )
    revisions = records_repository.revisions_of(patient_id, entry_id)
    _audit_read(request, access, "chart.entry.read", resource_id=entry_id)
    return EntryWithHistory(access=access, entry=access.entry, revisions=revisions)


def _clinician_name(access: ChartAccess) -> str:
    return access.clinician.display_name if access.clinician else "A clinician"


def chart_entry_add(*, request, patient_id: str, kind: str, values: dict) -> Entry:
    """Add an entry of `kind` (its values as the form cleaned them) to the
    patient's history, with the chart summary and the audit event, in one
    transaction."""
    if kind not in ENTRY_FIELDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    actor = actor_of(request)
    access = chart_patient_for_clinician(actor=actor, patient_id=patient_id, request=request)
    now = clock.now()
    entry = Entry(
        patient_id=patient_id,
        entry_id=new_entry_id(now),
        kind=kind,
        recorded_at=now.strftime(TIMESTAMP_FORMAT),
        recorded_by=actor.user_id,
        recorded_by_name=_clinician_name(access),
        values={name: values.get(name, "") for name in ENTRY_FIELDS[kind]},
    )
    _write_with_summary(
        request, access, action="chart.entry.add", entry=entry,
        writes=[records_repository.entry_add_entry(entry)], detail={"kind": kind},
    )
    return entry


def chart_entry_amend(
    *, request, patient_id: str, entry_id: str, values: dict, reason: str, expected_version: int
) -> Entry:
    """Amend an entry, keeping what it said before with who, when and why.
    Raises EntryConflict (carrying the entry as it is now) if someone
    amended it since `expected_version` was read; NothingToAmend if no value
    changes."""
    actor = actor_of(request)
    access = chart_patient_for_clinician(actor=actor, patient_id=patient_id, request=request, entry_id=entry_id)
    current = access.entry
    if current.version != expected_version:
        _audit_stale(request, access, entry_id)
        raise EntryConflict(current)
    updated = {name: values.get(name, "") for name in ENTRY_FIELDS[current.kind]}
    if updated == {name: current.values.get(name, "") for name in ENTRY_FIELDS[current.kind]}:
        raise NothingToAmend
    at = _now_iso()
    after = amended_entry(current, updated, at=at, by_name=_clinician_name(access))
    revision = Revision(
        entry_id=entry_id, superseded_version=current.version, values=current.values, replaced_at=at,
        replaced_by=actor.user_id, replaced_by_name=_clinician_name(access), reason=reason, kind=current.kind,
    )
    writes = records_repository.entry_amend_entries(current, after, revision)
    try:
        _write_with_summary(
            request, access, action="chart.entry.amend", entry=after, writes=writes,
            detail={"kind": current.kind, "version": after.version},
        )
    except _EntryMoved:
        _audit_stale(request, access, entry_id)
        raise EntryConflict(records_repository.entry_get(patient_id, entry_id) or current) from None
    return after


class _EntryMoved(Exception):
    pass


def _audit_stale(request, access: ChartAccess, entry_id: str) -> None:
    audit_record(
        request=request, action="chart.entry.amend", outcome=DENIED, resource_type="medical_record",
        resource_id=entry_id, patient_id=access.patient_id, detail={"reason": "stale"},
    )


def _write_with_summary(request, access: ChartAccess, *, action: str, entry: Entry, writes: list[dict], detail: dict):
    """`writes` and the summary updated with `entry`, with their audit event,
    in one transaction. A summary moved on by another write is read again
    and the transaction retried; an entry write's own condition failing is
    _EntryMoved."""
    summary, head = access.summary, access.head
    for _ in range(SUMMARY_ATTEMPTS):
        all_writes = [*writes, records_repository.summary_save_entry(summary, summary.with_entry(entry))]
        try:
            audit_record(
                request=request, action=action, outcome=ALLOWED, resource_type="medical_record",
                resource_id=entry.entry_id, patient_id=access.patient_id,
                detail={**access.audit_detail, **detail}, with_writes=all_writes, head=head,
            )
            return
        except ClientError as error:
            if not dynamo.is_conditional_failure(error):
                raise
            codes = dynamo.cancellation_codes(error)[records_repository.FIRST_EXTRA_WRITE:]
            if CONDITIONAL_FAILED in codes[: len(writes)]:
                raise _EntryMoved from error
        summary, head = records_repository.summary_get(access.patient_id), None
    raise ChartBusy
