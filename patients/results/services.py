"""Writes of the lab-result pages, each one call into the medical record's
own services (patients.records.services), which check the chart's access,
compute the flag and write the markers with the audit event."""

from __future__ import annotations

from medisecure.identity.actors import Actor, AuditContext
from patients.records import services as records
from patients.records.domain import RESULT, Entry


def result_record(*, actor: Actor, audit: AuditContext, patient_id: str, values: dict) -> Entry:
    """Record a lab result on the patient's chart (new to the patient, and
    waiting for the recording doctor's review)."""
    return records.chart_entry_add(
        actor=actor, audit=audit, patient_id=patient_id, kind=RESULT, values=values
    )


def result_review(*, actor: Actor, audit: AuditContext, patient_id: str, entry_id: str) -> None:
    records.result_review(actor=actor, audit=audit, patient_id=patient_id, entry_id=entry_id)


def result_open(*, actor: Actor, audit: AuditContext, entry_id: str) -> Entry:
    """The patient opens one of their results (no longer new to them)."""
    return records.result_open(actor=actor, audit=audit, entry_id=entry_id)
