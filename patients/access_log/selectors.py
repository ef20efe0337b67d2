"""Reads of the patient's statement of who has looked at their record. A
patient reads only their own: the id is always the actor's, never one the
request names. The read is audited before it is returned."""

from __future__ import annotations

from audit import repository as audit_log
from audit.domain import ALLOWED, AuditEvent, SearchFilters, timestamp_bound
from audit.services import audit_record
from clinicians import selectors as clinicians
from medisecure import clinic_time, dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from patients.access_log.domain import (
    EMERGENCY_GRANT_ACTION,
    YOU,
    AccessPeriod,
    AccessStatement,
    StatementPeople,
    statement_lines,
)
from patients.care_team import selectors as care_team
from patients.emergency import selectors as emergency

# Events per page: each can name a doctor (their provider item and
# care-team link) or a grant, and all of them are read in one BatchGetItem,
# which takes at most 100 keys.
ACCESS_LOG_PAGE_SIZE = 30


def own_record_access_list(
    *, actor: Actor, audit: AuditContext, period: AccessPeriod, page_token: str | None
) -> AccessStatement:
    """One page of the statement of who has read or changed the patient's
    record in `period` (clinic days), newest first, and nothing of the
    trail's internals (addresses, request ids, hashes): one Query on the
    trail's patient index, one BatchGetItem for the doctors named, whether
    each is in the patient's care team and each emergency grant's record,
    and the audit event. Raises dynamo.InvalidPageToken for a token not
    issued for this list and period."""
    patient_id = actor.user_id
    zone = clinic_time.zone()
    filters = SearchFilters(
        patient_id=patient_id,
        since=timestamp_bound(period.since, end=False, zone=zone) if period.since else "",
        until=timestamp_bound(period.until, end=True, zone=zone) if period.until else "",
    )
    events, next_page = audit_log.search(
        filters, org_id="", limit=ACCESS_LOG_PAGE_SIZE, page_token=page_token
    )
    people = _people_of(patient_id, events)
    audit_record(
        actor=actor,
        audit=audit,
        action="record.access_log.read",
        outcome=ALLOWED,
        resource_type="access_log",
        resource_id=patient_id,
        patient_id=patient_id,
    )
    lines = statement_lines(
        events,
        person_of=lambda event: people.person(event),
        day_of=lambda moment: clinic_time.in_clinic(moment).date(),
        reason_given=lambda event: people.reason_given(event),
    )
    return AccessStatement(
        period=period,
        others=[line for line in lines if line.who is not YOU],
        own=[line for line in lines if line.who is YOU],
        next_page=next_page,
    )


def _people_of(patient_id: str, events: list[AuditEvent]) -> StatementPeople:
    """The doctors the events name, whether each is in the patient's care
    team, and the record of each emergency grant, in one BatchGetItem (none
    when the page names no doctor)."""
    doctor_ids = list(dict.fromkeys(e.user_id for e in events if e.role == Role.DOCTOR.value and e.user_id))
    grants = [e for e in events if e.action == EMERGENCY_GRANT_ACTION and e.outcome == ALLOWED]
    reads: list[dynamo.ItemRead] = [
        read
        for doctor_id in doctor_ids
        for read in (
            clinicians.provider_read(provider_id=doctor_id),
            care_team.care_team_link_read(patient_id=patient_id, provider_id=doctor_id),
        )
    ]
    reads += [
        emergency.emergency_grant_record_read(
            patient_id=patient_id, granted_at=event.resource_id, provider_id=event.user_id
        )
        for event in grants
    ]
    found = dynamo.read_together(*reads) if reads else []
    pairs = found[: 2 * len(doctor_ids)]
    return StatementPeople(
        patient_id=patient_id,
        doctors={doctor_id: pairs[2 * i] for i, doctor_id in enumerate(doctor_ids) if pairs[2 * i]},
        care_team={doctor_id for i, doctor_id in enumerate(doctor_ids) if pairs[2 * i + 1] is not None},
        grants={
            (event.user_id, event.resource_id): grant
            for event, grant in zip(grants, found[2 * len(doctor_ids) :])
            if grant is not None
        },
    )
