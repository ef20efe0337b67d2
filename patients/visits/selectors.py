"""A completed visit's summary, for its patient and its doctor.

Who may read it is decided here: the appointment's patient, and the
appointment's doctor while they are in the patient's care team (the
chart's rule: a doctor who leaves the care team loses the chart, and the
visit's notes are the chart's). Anyone else, and any appointment not yet
completed, gets VisitSummaryNotFound, audited here as a denial. Every read
is audited (ids only) before it is returned.

Four round trips: the appointment with the audit chain's head; the chart
summary with the patient (and, for a doctor, their care-team link); the
entries of the visit's day; the audit event."""

from __future__ import annotations

from typing import NoReturn

from appointments import selectors as appointments
from appointments.domain import COMPLETED, Appointment
from audit.domain import ALLOWED, DENIED, ChainHead
from audit.services import audit_record, chain_head_read
from medisecure import clinic_time, dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.letterhead import clinic_letterhead
from patients import selectors as patients
from patients.care_team import selectors as care_team
from patients.records import selectors as records
from patients.visits.domain import VisitSummary, VisitSummaryNotFound, visit_summary_of

ACTION = "visit_summary.read"
# Refusals name what was asked for, cut to a length that names no one else.
REFUSED_ID_LIMIT = 64


def visit_summary_get(*, actor: Actor, audit: AuditContext, appointment_id: str) -> VisitSummary:
    """The summary of the completed appointment `appointment_id`, if the
    actor is its patient or its doctor (in the care team). Raises
    VisitSummaryNotFound (audited) otherwise."""
    appointment, head = dynamo.read_together(
        appointments.appointment_read(appointment_id=appointment_id), chain_head_read(), consistent=True
    )
    if appointment is None or not _party_to(actor, appointment):
        _refuse(actor, audit, appointment_id, appointment, head, "not_found")
    if appointment.status != COMPLETED:
        _refuse(actor, audit, appointment_id, appointment, head, "not_completed")
    reads: list[dynamo.ItemRead] = [
        records.chart_summary_read(patient_id=appointment.patient_id),
        patients.patient_read(patient_id=appointment.patient_id),
    ]
    if actor.has_role(Role.DOCTOR):
        reads.append(
            care_team.care_team_link_read(patient_id=appointment.patient_id, provider_id=actor.user_id)
        )
    chart, patient, *link = dynamo.read_together(*reads, consistent=True)
    if link and link[0] is None:
        _refuse(actor, audit, appointment_id, appointment, head, "no_relationship")
    day = clinic_time.in_clinic(appointment.start).date()
    summary = visit_summary_of(
        appointment=appointment,
        patient=patient,
        day=day,
        letterhead=clinic_letterhead(
            place=appointment.location_name,
            address=appointment.location_address,
            phone=appointment.location_phone,
        ),
        day_entries=records.record_entries_of_day_list(patient_id=appointment.patient_id, day=day),
        chart=chart,
    )
    audit_record(
        actor=actor,
        audit=audit,
        action=ACTION,
        outcome=ALLOWED,
        resource_type="appointment",
        resource_id=appointment.appointment_id,
        patient_id=appointment.patient_id,
        head=head,
        detail={"entry_ids": summary.entry_ids},
    )
    return summary


def _party_to(actor: Actor, appointment: Appointment) -> bool:
    if actor.has_role(Role.PATIENT):
        return appointment.patient_id == actor.user_id
    if actor.has_role(Role.DOCTOR):
        return appointment.provider_id == actor.user_id
    return False


def _refuse(
    actor: Actor,
    audit: AuditContext,
    appointment_id: str,
    appointment: Appointment | None,
    head: ChainHead,
    reason: str,
) -> NoReturn:
    audit_record(
        actor=actor,
        audit=audit,
        action=ACTION,
        outcome=DENIED,
        resource_type="appointment",
        resource_id=appointment_id[:REFUSED_ID_LIMIT],
        # Another's appointment names its patient, so the attempt shows on
        # that patient's access page; a missing one names no one.
        patient_id=appointment.patient_id if appointment is not None else "",
        detail={"reason": reason},
        head=head,
    )
    raise VisitSummaryNotFound(audited=True)
