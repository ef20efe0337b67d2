"""Reads of a patient's medical history: who may open a chart (decided in
`chart_get_for` alone, which the documents pages rely on too), the chart's
pages for doctors, and the patient's own record (who has looked at it is
patients.access_log).

Every read is audited (on the chain head read with the chart) before it is
returned; every refusal is audited where it is decided."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NoReturn

from appointments import selectors as appointments
from audit.domain import ALLOWED, DENIED, ChainHead
from audit.services import audit_record, chain_head_read
from clinicians import selectors as clinicians
from medisecure import clinic_time, clock, dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from patients import selectors as patients
from patients.care_team import selectors as care_team
from patients.emergency import selectors as emergency
from patients.emergency.domain import ChartReadOnly
from patients.records import repository
from patients.records.domain import (
    EMERGENCY,
    ENTRY_ID_SHAPE,
    RESULT,
    Addendum,
    Chart,
    ChartAccess,
    ChartForbidden,
    ChartHistory,
    ChartNotFound,
    ChartPatients,
    ChartSummary,
    Entry,
    EntryWithHistory,
    NoPatientRecord,
    OwnRecord,
    OwnResults,
    UpcomingAppointment,
    relationship,
)
from patients.records.results import ResultNotFound, ResultNotice

HISTORY_PAGE_SIZE = 20
PATIENTS_PAGE_SIZE = 25
# Refusals name what was asked for, cut to a length that names no one else.
REFUSED_ID_LIMIT = 64


# --- Who may open a chart ------------------------------------------------------------


def chart_get_for(*, actor: Actor, audit: AuditContext, patient_id: str, entry_id: str = "") -> ChartAccess:
    """The chart of `patient_id` as `actor` may see it, read in one round
    trip: a doctor may, while they are in the patient's care team or hold a
    live emergency grant for them. With `entry_id`, that entry of the
    patient's history is read too. Callers audit the allowed read
    themselves, on the returned chain head, before they serve anything.

    Raises ChartNotFound for a patient id that names no patient, a patient
    the doctor has no relationship with, or an entry the patient has not
    (the chart's existence is not confirmed), and ChartForbidden for anyone
    but a doctor; each refusal audited here."""
    if not actor.has_role(Role.DOCTOR):
        _refuse(actor, audit, patient_id, "not_a_clinician", refusal=ChartForbidden)
    if entry_id and not ENTRY_ID_SHAPE.match(entry_id):
        _refuse(actor, audit, patient_id, "no_such_entry")
    reads: list[dynamo.ItemRead] = [
        patients.patient_read(patient_id=patient_id),
        care_team.care_team_link_read(patient_id=patient_id, provider_id=actor.user_id),
        emergency.emergency_grant_read(patient_id=patient_id, provider_id=actor.user_id),
        repository.summary_read(patient_id),
        chain_head_read(),
        clinicians.provider_read(provider_id=actor.user_id),
    ]
    if entry_id:
        # The entry, and (should it be a lab result) its review state.
        reads += [
            repository.entry_read(patient_id, entry_id),
            repository.review_read(patient_id, entry_id),
            repository.reviewed_read(patient_id, entry_id),
        ]
    patient, link, grant, summary, head, clinician, *asked = dynamo.read_together(*reads, consistent=True)
    via = relationship(in_care_team=link is not None, grant=grant, now=clock.epoch_seconds(clock.now()))
    if patient is None or via is None:
        _refuse(actor, audit, patient_id, "no_relationship", head=head)
    entry = asked[0] if asked else None
    if entry_id and entry is None:
        _refuse(actor, audit, patient_id, "no_such_entry", head=head)
    return ChartAccess(
        patient=patient,
        via=via,
        grant=grant if via == EMERGENCY else None,
        summary=summary,
        head=head,
        entry=entry,
        clinician=clinician,
        review_pending=bool(asked) and asked[1] is not None,
        last_review=asked[2] if asked else None,
    )


def chart_write_check(
    *, actor: Actor, audit: AuditContext, access: ChartAccess, action: str, emergency_reason: str
) -> dict:
    """Whether `actor` may write to the chart they opened: through the care
    team, always; through an emergency grant, which reads only, only with a
    second reason for this write (ChartReadOnly, audited, without one).
    Returns what the write's audit event adds (the write marked as made under
    the grant)."""
    if access.via != EMERGENCY:
        return {}
    if not emergency_reason.strip():
        audit_record(
            actor=actor,
            audit=audit,
            action=action,
            outcome=DENIED,
            resource_type="chart",
            resource_id=access.patient_id,
            patient_id=access.patient_id,
            detail={**access.audit_detail, "reason": "emergency_read_only"},
            head=access.head,
        )
        raise ChartReadOnly(audited=True)
    return {"under_emergency": True}


def _refuse(
    actor: Actor,
    audit: AuditContext,
    patient_id: str,
    reason: str,
    *,
    head: ChainHead | None = None,
    refusal: type[ChartNotFound] | type[ChartForbidden] = ChartNotFound,
) -> NoReturn:
    audit_record(
        actor=actor,
        audit=audit,
        action="chart.access",
        outcome=DENIED,
        resource_type="chart",
        resource_id=patient_id[:REFUSED_ID_LIMIT],
        patient_id=patient_id[:REFUSED_ID_LIMIT],
        detail={"reason": reason},
        head=head,
    )
    raise refusal(audited=True)


def _audit_read(
    actor: Actor,
    audit: AuditContext,
    access: ChartAccess,
    action: str,
    *,
    resource_id: str = "",
    detail: dict | None = None,
) -> None:
    audit_record(
        actor=actor,
        audit=audit,
        action=action,
        outcome=ALLOWED,
        resource_type="chart" if not resource_id else "medical_record",
        resource_id=resource_id or access.patient_id,
        patient_id=access.patient_id,
        detail={**access.audit_detail, **(detail or {})},
        head=access.head,
    )


# --- The chart's pages -----------------------------------------------------------------


def chart_patient_list(
    *, actor: Actor, audit: AuditContext, search: str, page_token: str | None
) -> ChartPatients:
    """One page of the doctor's care-team patients, by family name, narrowed
    to family names starting with `search`. Raises dynamo.InvalidPageToken
    for a token not issued for this list."""
    members, next_page = care_team.care_team_list_for_provider(
        provider_id=actor.user_id, family_name_start=search, limit=PATIENTS_PAGE_SIZE, page_token=page_token
    )
    audit_record(
        actor=actor,
        audit=audit,
        action="careteam.search",
        outcome=ALLOWED,
        resource_type="provider",
        resource_id=actor.user_id,
        detail={"patient_ids": [member.patient_id for member in members]},
    )
    return ChartPatients(search=search, members=members, next_page=next_page)


def chart_get(*, actor: Actor, audit: AuditContext, patient_id: str) -> Chart:
    """A patient's chart: three round trips whatever the history's length
    (the chart read, the upcoming appointments, the audit event)."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id)
    upcoming = appointments.appointments_upcoming_for_patient(patient_id=patient_id, since=_this_minute())
    _audit_read(actor, audit, access, "chart.read")
    return Chart(access=access, upcoming=[UpcomingAppointment.of(appointment) for appointment in upcoming])


def _this_minute() -> datetime:
    # Appointments starting within the current minute still count as upcoming.
    return clock.now().replace(second=0, microsecond=0)


def chart_history_list(
    *, actor: Actor, audit: AuditContext, patient_id: str, page_token: str | None
) -> ChartHistory:
    """One page of a patient's entries, newest first. Raises
    dynamo.InvalidPageToken for a token not issued for this history."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id)
    entries, next_page = repository.history_page(patient_id, limit=HISTORY_PAGE_SIZE, page_token=page_token)
    _audit_read(
        actor,
        audit,
        access,
        "chart.history.read",
        detail={"entry_ids": [entry.entry_id for entry in entries]},
    )
    return ChartHistory(access=access, entries=entries, next_page=next_page)


def chart_entry_get(*, actor: Actor, audit: AuditContext, patient_id: str, entry_id: str) -> EntryWithHistory:
    """One entry as it reads now, with every earlier version."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id, entry_id=entry_id)
    assert access.entry is not None  # chart_get_for refuses an entry the chart has not
    revisions = repository.revisions_of(patient_id, entry_id)
    addenda = repository.addenda_of(patient_id, entry_id)
    _audit_read(actor, audit, access, "chart.entry.read", resource_id=entry_id)
    return EntryWithHistory(
        access=access, entry=access.entry, revisions=revisions, addenda=addenda, reader_id=actor.user_id
    )


# --- Results for the home pages -----------------------------------------------------------
# Short lists the home pages show (patients' and doctors'), each one Query on
# a key or an index. Not audited here: the home page audits its own read.


def results_unseen_list(*, patient_id: str, limit: int = 5) -> list[ResultNotice]:
    """The patient's lab results they have not opened yet, newest first."""
    return repository.unseen_list(patient_id, limit=limit)


def results_to_review_list(*, provider_id: str, limit: int = 5) -> list[ResultNotice]:
    """The lab results waiting for this doctor's review: critical first,
    then those out of range, then the rest, newest first within each."""
    return repository.review_list(provider_id, limit=limit)


# --- The patient's own record ------------------------------------------------------------
# A patient reads only their own record: the id is always the actor's, never
# one the request names.


def _own_record(patient_id: str):
    """The patient, their chart summary and the audit chain's head, in one
    round trip; NoPatientRecord if there is no patient record yet."""
    patient, summary, head = dynamo.read_together(
        patients.patient_read(patient_id=patient_id),
        repository.summary_read(patient_id),
        chain_head_read(),
        consistent=True,
    )
    if patient is None:
        raise NoPatientRecord
    return patient, summary, head


# A day's visit writes a handful of entries; one Query's page holds them all.
DAY_ENTRIES_READ = 100


def record_entries_of_day_list(*, patient_id: str, day: date) -> list[Entry]:
    """The entries recorded on `day` in the clinic's time zone, oldest first
    (one Query), for a visit's summary (patients.visits), which audits its
    own read."""
    # Midnight to midnight on the clinic's wall clock: 23 or 25 hours on the
    # days its clocks change.
    since, until = (
        datetime.combine(one, time(0), tzinfo=clinic_time.zone()) for one in (day, day + timedelta(days=1))
    )
    return repository.entries_recorded_between(
        patient_id, clock.stamp(since), clock.stamp(until), limit=DAY_ENTRIES_READ
    )


def chart_summary_read(*, patient_id: str) -> dynamo.ItemRead[ChartSummary]:
    """The chart summary (its allergies, diagnoses and medications), to read
    in one round trip with other items; the caller audits the read."""
    return repository.summary_read(patient_id)


def record_entry_list_all(*, patient_id: str) -> list[Entry]:
    """Every entry of the patient's history, newest first, for the download
    of their whole record (patients.exports), which audits its own read."""
    return repository.all_entries(patient_id)


def record_addenda_list_all(*, patient_id: str) -> dict[str, list[Addendum]]:
    """Every addendum of the patient's history, by entry id, oldest first,
    for the download of their whole record (patients.exports)."""
    return repository.all_addenda(patient_id)


def own_record_get(*, actor: Actor, audit: AuditContext, page_token: str | None) -> OwnRecord:
    """The patient's record and one page of their history, newest first, in
    three round trips. Raises NoPatientRecord, or dynamo.InvalidPageToken
    for a token not issued for this history."""
    patient_id = actor.user_id
    patient, summary, head = _own_record(patient_id)
    entries, next_page = repository.history_page(patient_id, limit=HISTORY_PAGE_SIZE, page_token=page_token)
    audit_record(
        actor=actor,
        audit=audit,
        action="record.read",
        outcome=ALLOWED,
        resource_type="medical_record",
        resource_id=patient_id,
        patient_id=patient_id,
        head=head,
        detail={"entry_ids": [entry.entry_id for entry in entries]},
    )
    return OwnRecord(patient=patient, summary=summary, entries=entries, next_page=next_page)


# --- The patient's lab results -----------------------------------------------------------

RESULTS_PAGE_SIZE = 20


def own_result_list(*, actor: Actor, audit: AuditContext, page_token: str | None) -> OwnResults:
    """One page of the patient's lab results, newest first, each marked new
    until they open it: one Query, one BatchGetItem (the marks) and the
    audit event. Raises dynamo.InvalidPageToken for a token not issued for
    this list."""
    patient_id = actor.user_id
    results, next_page = repository.kind_page(
        patient_id, RESULT, limit=RESULTS_PAGE_SIZE, page_token=page_token
    )
    unseen = (
        dynamo.read_together(*(repository.unseen_read(patient_id, result.entry_id) for result in results))
        if results
        else []
    )
    audit_record(
        actor=actor,
        audit=audit,
        action="result.list",
        outcome=ALLOWED,
        resource_type="medical_record",
        resource_id=patient_id,
        patient_id=patient_id,
        detail={"entry_ids": [result.entry_id for result in results]},
    )
    return OwnResults(results=[(result, new) for result, new in zip(results, unseen)], next_page=next_page)


def own_result_read(
    *, actor: Actor, audit: AuditContext, entry_id: str
) -> tuple[Entry, bool, ChainHead | None]:
    """One of the patient's own results, whether it is still new to them,
    and the audit chain's head, in one round trip, for
    services.result_open, which records the read. Raises ResultNotFound
    (audited) for an id that names none of their results."""
    patient_id = actor.user_id
    if not ENTRY_ID_SHAPE.match(entry_id):
        result, unseen, head = None, False, None
    else:
        result, unseen, head = dynamo.read_together(
            repository.entry_read(patient_id, entry_id),
            repository.unseen_read(patient_id, entry_id),
            chain_head_read(),
            consistent=True,
        )
    if result is None or result.kind != RESULT:
        audit_record(
            actor=actor,
            audit=audit,
            action="result.read",
            outcome=DENIED,
            resource_type="medical_record",
            resource_id=entry_id[:REFUSED_ID_LIMIT],
            patient_id=patient_id,
            detail={"reason": "not_found"},
            head=head,
        )
        raise ResultNotFound(audited=True)
    return result, unseen, head
