"""Reads of emergency access grants: a doctor's grant, for the chart's
access rule (patients.records.selectors.chart_get_for), which audits the
chart's opening; and the admins' review, every grant newest first with the
patient's name (the admin site lets only admins in), audited here."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from audit import selectors as audit_trail
from audit.domain import ALLOWED, SearchFilters
from audit.services import audit_record
from clinicians import selectors as clinicians
from medisecure import clock, dynamo
from medisecure.identity.actors import Actor, AuditContext
from patients import selectors as patients
from patients.emergency import repository
from patients.emergency.domain import (
    LOOKUP_ACTION,
    REVIEW_OVERDUE_HOURS,
    EmergencyGrant,
    EmergencyReviewPage,
    GrantReview,
    LookupMiss,
)

MISSES_SHOWN = 25
OVERDUE_SHOWN = 50

# One BatchGetItem takes at most 100 keys; a review page holds fewer grants.
NAMES_READ = 100


def emergency_review_page_get(
    *, actor: Actor, audit: AuditContext, page_token: str | None
) -> EmergencyReviewPage:
    """The admins' review page: the grants no one has reviewed that are
    older than REVIEW_OVERDUE_HOURS (oldest first), one page of every grant
    (newest first), and the latest lookups that found no single patient or
    were over the limit, audited. Raises medisecure.dynamo.InvalidPageToken
    for a token not issued for this list."""
    grants, next_page = repository.grants_for_review(org_id=settings.CLINIC_ID, page_token=page_token)
    overdue = _overdue(limit=OVERDUE_SHOWN)
    misses, _ = audit_trail.audit_event_list(filters=SearchFilters(action=LOOKUP_ACTION), limit=MISSES_SHOWN)
    names = _patient_names([grant.patient_id for grant in overdue + grants])
    doctors = clinicians.providers_get_many(provider_ids=[event.user_id for event in misses])
    audit_record(
        actor=actor,
        audit=audit,
        action="emergency.review",
        outcome=ALLOWED,
        resource_type="emergency_grant",
        detail={"patient_ids": sorted({grant.patient_id for grant in overdue + grants})},
    )
    return EmergencyReviewPage(
        overdue=[GrantReview(grant=g, patient_name=names.get(g.patient_id, "")) for g in overdue],
        grants=[GrantReview(grant=g, patient_name=names.get(g.patient_id, "")) for g in grants],
        next_page=next_page,
        misses=[
            LookupMiss(
                when=event.timestamp,
                provider_id=event.user_id,
                provider_name=doctors[event.user_id].display_name if event.user_id in doctors else "",
                reason=str(event.detail.get("reason", "")),
                tried=str(event.detail.get("tried", "")),
            )
            for event in misses
        ],
    )


def _overdue(*, limit: int) -> list[EmergencyGrant]:
    before = clock.stamp(clock.now() - timedelta(hours=REVIEW_OVERDUE_HOURS))
    return repository.grants_unreviewed_before(org_id=settings.CLINIC_ID, before=before, limit=limit)


def emergency_overdue_count() -> int:
    """How many grants wait for review past REVIEW_OVERDUE_HOURS (counted up
    to OVERDUE_SHOWN), for the admin's index. Not audited: a count names no one."""
    return len(_overdue(limit=OVERDUE_SHOWN))


def _patient_names(patient_ids: list[str]) -> dict[str, str]:
    """Patients' full names by id, in one BatchGetItem."""
    wanted = list(dict.fromkeys(patient_ids))[:NAMES_READ]
    if not wanted:
        return {}
    found = dynamo.read_together(*(patients.patient_read(patient_id=patient_id) for patient_id in wanted))
    return {patient.patient_id: patient.full_name for patient in found if patient is not None}


def emergency_grant_read(*, patient_id: str, provider_id: str) -> dynamo.ItemRead[EmergencyGrant | None]:
    """The doctor's emergency grant for the patient (live or lately expired:
    EmergencyGrant.is_live decides), to read in one round trip with the
    chart (medisecure.dynamo.read_together). Not audited itself: opening the
    chart is."""
    return repository.live_grant_read(patient_id=patient_id, provider_id=provider_id)


def emergency_grant_record_read(
    *, patient_id: str, granted_at: str, provider_id: str
) -> dynamo.ItemRead[EmergencyGrant | None]:
    """The record of one grant, kept after it ends (for the patient's
    statement of who has looked at their record, which audits its own
    read), to read in one round trip with other items."""
    return repository.grant_record_read(patient_id=patient_id, granted_at=granted_at, provider_id=provider_id)
