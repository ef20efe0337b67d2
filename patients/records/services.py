"""Writes to a patient's medical history, by a doctor who may open the chart
(patients.records.selectors.chart_get_for decides): adding an entry and
amending one. Each goes in one transaction with the chart summary it
changes and its audit event."""

from __future__ import annotations

from collections.abc import Callable

from audit.domain import ALLOWED, DENIED, ChainHead
from audit.services import audit_event_add, audit_record
from medisecure import clock
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction
from patients.records import repository
from patients.records.domain import (
    ENTRY_FIELDS,
    RESULT,
    VITALS,
    Addendum,
    ChartAccess,
    ChartBusy,
    Entry,
    EntryConflict,
    EntryMoved,
    KindMismatch,
    NothingToAmend,
    NotTheAuthor,
    Revision,
    SummaryMoved,
    amended_entry,
    new_addendum_id,
    new_entry_id,
)
from patients.records.results import ResultAlreadyReviewed, ResultAlreadySeen, ResultNotFound, flagged
from patients.records.selectors import chart_get_for, chart_write_check, own_result_read
from patients.records.vitals import with_bmi

# Entries written to one chart at the same moment race for its summary; the
# loser reads it afresh and tries again (its own entry is not in question).
SUMMARY_ATTEMPTS = 4


def chart_entry_add(
    *,
    actor: Actor,
    audit: AuditContext,
    patient_id: str,
    kind: str,
    values: dict,
    emergency_reason: str = "",
) -> Entry:
    """Add an entry of `kind` (its values as the form cleaned them) to the
    patient's history, with the chart summary and the audit event, in one
    transaction. Under an emergency grant only with `emergency_reason`
    (ChartReadOnly, audited, without), and the entry is marked with it."""
    if kind not in ENTRY_FIELDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id)
    marked = chart_write_check(
        actor=actor, audit=audit, access=access, action="chart.entry.add", emergency_reason=emergency_reason
    )
    recorded_at = clock.stamp()
    entry = Entry(
        patient_id=patient_id,
        entry_id=new_entry_id(recorded_at),
        kind=kind,
        recorded_at=recorded_at,
        recorded_by=actor.user_id,
        recorded_by_name=access.clinician_name,
        values=_kept_values(kind, values),
        emergency_reason=emergency_reason.strip() if marked else "",
    )

    def add_writes(tx: Transaction) -> None:
        repository.entry_add(tx, entry)
        _result_marks(tx, access, entry)

    _write_with_summary(
        actor,
        audit,
        access,
        action="chart.entry.add",
        entry=entry,
        add_writes=add_writes,
        detail={"kind": kind, **marked},
    )
    return entry


def _kept_values(kind: str, values: dict) -> dict:
    kept = {name: values.get(name, "") for name in ENTRY_FIELDS[kind]}
    if kind == VITALS:
        return with_bmi(kept)  # worked out here, never taken from input
    return flagged(kept) if kind == RESULT else kept


def _result_marks(tx: Transaction, access: ChartAccess, entry: Entry) -> None:
    """A result, new or amended, is new to the patient and waits for the
    review of the doctor who recorded it, in the result's own transaction."""
    if entry.kind == RESULT:
        repository.result_markers_put(
            tx, entry, reviewer_id=entry.recorded_by, patient_name=access.patient.full_name
        )


def chart_entry_amend(
    *,
    actor: Actor,
    audit: AuditContext,
    patient_id: str,
    entry_id: str,
    kind: str,
    values: dict,
    reason: str,
    expected_version: int,
    emergency_reason: str = "",
) -> Entry:
    """Amend an entry of `kind`, keeping what it said before with who, when
    and why. Raises EntryConflict (carrying the entry as it is now) if
    someone amended it since `expected_version` was read; NothingToAmend if
    no value changes; KindMismatch if the entry is of another kind;
    NotTheAuthor (audited) for anyone but the doctor who recorded it, who
    adds an addendum instead (chart_addendum_add)."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id, entry_id=entry_id)
    current = access.entry
    assert current is not None  # chart_get_for refuses an entry the chart has not
    if current.recorded_by != actor.user_id:
        _audit_amend_refused(actor, audit, access, entry_id, "not_the_author", head=access.head)
        raise NotTheAuthor(audited=True)
    marked = chart_write_check(
        actor=actor, audit=audit, access=access, action="chart.entry.amend", emergency_reason=emergency_reason
    )
    if current.kind != kind:
        raise KindMismatch
    if current.version != expected_version:
        _audit_stale(actor, audit, access, entry_id)
        raise EntryConflict(current)
    fields = ENTRY_FIELDS[current.kind]
    if current.kind == RESULT and "report_reference" not in values:
        # An amendment of the result's values keeps the report attached to it.
        values = {
            **values,
            "report_reference": current.values.get("report_reference", ""),
            "report_name": current.values.get("report_name", ""),
        }
    updated = _kept_values(current.kind, values)
    if updated == {name: current.values.get(name, "") for name in fields}:
        raise NothingToAmend
    at = clock.stamp()
    after = amended_entry(
        current,
        updated,
        at=at,
        by_name=access.clinician_name,
        emergency_reason=emergency_reason.strip() if marked else "",
    )
    revision = Revision(
        entry_id=entry_id,
        superseded_version=current.version,
        values=current.values,
        replaced_at=at,
        replaced_by=actor.user_id,
        replaced_by_name=access.clinician_name,
        reason=reason,
        kind=current.kind,
    )
    try:
        _write_with_summary(
            actor,
            audit,
            access,
            action="chart.entry.amend",
            entry=after,
            add_writes=lambda tx: _amend_writes(tx, access, current, after, revision),
            detail={"kind": current.kind, "version": after.version, **marked},
        )
    except EntryMoved:
        _audit_stale(actor, audit, access, entry_id)
        raise EntryConflict(repository.entry_get(patient_id, entry_id) or current) from None
    return after


def _audit_stale(actor: Actor, audit: AuditContext, access: ChartAccess, entry_id: str) -> None:
    _audit_amend_refused(actor, audit, access, entry_id, "stale")


def _audit_amend_refused(
    actor: Actor,
    audit: AuditContext,
    access: ChartAccess,
    entry_id: str,
    reason: str,
    *,
    head: ChainHead | None = None,
) -> None:
    audit_record(
        actor=actor,
        audit=audit,
        action="chart.entry.amend",
        outcome=DENIED,
        resource_type="medical_record",
        resource_id=entry_id,
        patient_id=access.patient_id,
        detail={"reason": reason},
        head=head,
    )


def chart_addendum_add(
    *,
    actor: Actor,
    audit: AuditContext,
    patient_id: str,
    entry_id: str,
    text: str,
    emergency_reason: str = "",
) -> Addendum:
    """A doctor who may open the chart adds an addendum under an entry (its
    own author, time and text; the entry itself is unchanged), with its
    audit event, in one transaction. Addenda are never amended or removed."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id, entry_id=entry_id)
    assert access.entry is not None  # chart_get_for refuses an entry the chart has not
    marked = chart_write_check(
        actor=actor,
        audit=audit,
        access=access,
        action="chart.entry.addendum",
        emergency_reason=emergency_reason,
    )
    added_at = clock.stamp()
    addendum = Addendum(
        patient_id=patient_id,
        entry_id=entry_id,
        addendum_id=new_addendum_id(added_at),
        added_at=added_at,
        added_by=actor.user_id,
        added_by_name=access.clinician_name,
        text=text,
        emergency_reason=emergency_reason.strip() if marked else "",
    )
    tx = Transaction()
    repository.addendum_add(tx, addendum)
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="chart.entry.addendum",
        resource_type="medical_record",
        resource_id=entry_id,
        patient_id=patient_id,
        detail={
            **access.audit_detail,
            "kind": access.entry.kind,
            "addendum_id": addendum.addendum_id,
            **marked,
        },
        head=access.head,
    )
    tx.commit()
    return addendum


def _amend_writes(
    tx: Transaction, access: ChartAccess, current: Entry, after: Entry, revision: Revision
) -> None:
    repository.entry_amend(tx, current, after, revision)
    _result_marks(tx, access, after)


def _write_with_summary(
    actor: Actor,
    audit: AuditContext,
    access: ChartAccess,
    *,
    action: str,
    entry: Entry,
    add_writes: Callable[[Transaction], None],
    detail: dict,
) -> None:
    """The entry's writes and the summary updated with `entry`, with their
    audit event, in one transaction. A summary moved on by another write is
    read again and the transaction made afresh; the entry's own writes
    refused raise their own exception."""
    summary = access.summary
    head: ChainHead | None = access.head
    for _ in range(SUMMARY_ATTEMPTS):
        tx = Transaction()
        add_writes(tx)
        repository.summary_save(tx, summary, summary.with_entry(entry))
        audit_event_add(
            tx,
            actor=actor,
            audit=audit,
            action=action,
            resource_type="medical_record",
            resource_id=entry.entry_id,
            patient_id=access.patient_id,
            detail={**access.audit_detail, **detail},
            head=head,
        )
        try:
            tx.commit()
            return
        except SummaryMoved:
            summary, head = repository.summary_get(access.patient_id), None
    raise ChartBusy


# --- Lab results: the doctor's review, the patient's first look ------------------------


def result_review(*, actor: Actor, audit: AuditContext, patient_id: str, entry_id: str) -> None:
    """A doctor who may open the chart marks a lab result reviewed: it
    leaves the review queue and the review is noted, with its audit event,
    in one transaction. Raises ResultNotFound for an entry that is not a
    result, ResultAlreadyReviewed when it no longer waits for review."""
    access = chart_get_for(actor=actor, audit=audit, patient_id=patient_id, entry_id=entry_id)
    assert access.entry is not None  # chart_get_for refuses an entry the chart has not
    if access.entry.kind != RESULT:
        audit_record(
            actor=actor,
            audit=audit,
            action="result.review",
            outcome=DENIED,
            resource_type="medical_record",
            resource_id=entry_id,
            patient_id=patient_id,
            detail={"reason": "not_a_result"},
            head=access.head,
        )
        raise ResultNotFound(audited=True)
    if not access.review_pending:
        raise ResultAlreadyReviewed
    tx = Transaction()
    repository.review_done(
        tx, patient_id, entry_id, by=actor.user_id, by_name=access.clinician_name, at=clock.stamp()
    )
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action="result.review",
        resource_type="medical_record",
        resource_id=entry_id,
        patient_id=patient_id,
        detail={**access.audit_detail, "flag": access.entry.values.get("flag", "")},
        head=access.head,
    )
    tx.commit()


def result_open(*, actor: Actor, audit: AuditContext, entry_id: str) -> Entry:
    """The patient opens one of their own lab results: audited, and the
    first time, no longer new (the "new" mark is removed by a conditional
    delete in the read's own audit transaction, so two tabs opening it at
    once record one first look). Raises ResultNotFound, audited."""
    result, unseen, head_read = own_result_read(actor=actor, audit=audit, entry_id=entry_id)
    detail = {"first_look": unseen}
    head: ChainHead | None = head_read
    if unseen:
        tx = Transaction()
        repository.unseen_clear(tx, actor.user_id, entry_id)
        audit_event_add(
            tx,
            actor=actor,
            audit=audit,
            action="result.read",
            resource_type="medical_record",
            resource_id=entry_id,
            patient_id=actor.user_id,
            detail=detail,
            head=head,
        )
        try:
            tx.commit()
            return result
        except ResultAlreadySeen:
            detail, head = {"first_look": False}, None
    audit_record(
        actor=actor,
        audit=audit,
        action="result.read",
        outcome=ALLOWED,
        resource_type="medical_record",
        resource_id=entry_id,
        patient_id=actor.user_id,
        detail=detail,
        head=head,
    )
    return result
