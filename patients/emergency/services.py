"""Emergency access ("break the glass", HIPAA's emergency access procedure):
a doctor outside a patient's care team finds the patient by their exact
name, date of birth and a third identifier (the last 4 digits of the phone
on file, or the postcode), gives a reason, and may read the chart for a
limited time. Lookups and grants are counted per doctor (RATE_LIMITS
emergency_lookup, emergency_grant); past the limit the admins are emailed
once. Every miss is audited with a hash of what was tried. The grant, its
review record and its audit event are written in one transaction; the
clinic's admins and the patient are emailed at once. An admin records a
review of each grant. Whether a grant opens the chart, and that it reads
only, is decided with the rest of chart access, in
patients.records.selectors."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import replace
from datetime import timedelta

from django.conf import settings

from audit.domain import DENIED, FAILED
from audit.services import audit_event_add, audit_record
from clinicians import selectors as clinicians
from medisecure import clock, mail, rate_limits
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.unit_of_work import Transaction
from patients import selectors as patients
from patients.care_team import selectors as care_team
from patients.care_team.domain import AlreadyInCareTeam
from patients.emergency import emails, repository
from patients.emergency.domain import (
    ACTION,
    LOOKUP_ACTION,
    REVIEW_ACTION,
    REVIEW_OUTCOMES,
    EmergencyGrant,
    EmergencyRateLimited,
    EmergencyRequest,
    GrantAlreadyReviewed,
    GrantNotFound,
    GrantStillLive,
    NoSinglePatient,
    ReviewForbidden,
    identifier_matches,
    lookup_text,
)

__all__ = [
    "AlreadyInCareTeam",
    "EmergencyRateLimited",
    "GrantAlreadyReviewed",
    "GrantStillLive",
    "NoSinglePatient",
    "emergency_access_grant",
    "emergency_grant_review",
]

logger = logging.getLogger(__name__)


def emergency_access_grant(*, actor: Actor, audit: AuditContext, wanted: EmergencyRequest) -> EmergencyGrant:
    """Grant the doctor emergency access to the one patient with exactly
    this name, date of birth and third identifier. Raises
    EmergencyRateLimited (audited) past the doctor's hourly lookups or
    grants, NoSinglePatient (audited, with the hash of what was tried),
    AlreadyInCareTeam, or GrantStillLive (each naming the patient)."""
    _count(actor, audit, rate_limits.EMERGENCY_LOOKUP, action=LOOKUP_ACTION, what="lookups")
    found = [
        patient
        for patient in patients.patient_list_by_name_and_birth(
            given_name=wanted.given_name, family_name=wanted.family_name, date_of_birth=wanted.date_of_birth
        )
        if identifier_matches(patient, wanted.identifier)
    ]
    if len(found) != 1:
        audit_record(
            actor=actor,
            audit=audit,
            action=LOOKUP_ACTION,
            outcome=DENIED,
            resource_type="patient",
            detail={"reason": "no_match" if not found else "ambiguous", "tried": _tried_hash(wanted)},
        )
        raise NoSinglePatient(audited=True)
    patient = found[0]
    if care_team.care_team_member_get(patient_id=patient.patient_id, provider_id=actor.user_id) is not None:
        raise AlreadyInCareTeam(patient.patient_id)
    _count(actor, audit, rate_limits.EMERGENCY_GRANT, action=ACTION, what="grants")
    now = clock.now()
    provider = clinicians.provider_get(provider_id=actor.user_id)
    grant = EmergencyGrant(
        patient_id=patient.patient_id,
        provider_id=actor.user_id,
        provider_name=provider.display_name if provider else "A doctor",
        granted_at=clock.stamp(now),
        expires_at=clock.epoch_seconds(now + timedelta(minutes=settings.EMERGENCY_ACCESS_MINUTES)),
        reason=wanted.reason,
    )
    tx = Transaction()
    repository.grant_add(tx, grant, org_id=settings.CLINIC_ID, now=clock.epoch_seconds(now))
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=ACTION,
        resource_type="emergency_grant",
        resource_id=grant.granted_at,
        patient_id=patient.patient_id,
        detail={"expires_at": grant.expires_at},
    )
    tx.commit()
    _notify_admins(actor, audit, grant)
    _send(
        actor,
        audit,
        emails.patient_notice(grant, to=patient.email, language=patient.preferred_language),
        grant=grant,
        action="emergency.notify_patient",
    )
    return grant


def _tried_hash(wanted: EmergencyRequest) -> str:
    """What a lookup tried, as a keyed hash: the same try shows the same
    hash on the review page, and the trail keeps no name."""
    key = hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"medisecure/emergency-lookups", hashlib.sha256
    ).digest()
    return hmac.new(key, lookup_text(wanted).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _count(actor: Actor, audit: AuditContext, name: str, *, action: str, what: str) -> None:
    """One attempt at the doctor's limit `name`; past it the refusal is
    audited, the admins are emailed (the first time this hour) and
    EmergencyRateLimited raised."""
    try:
        rate_limits.rate_limit_attempt(name=name, subject=actor.user_id)
    except rate_limits.RateLimited as limited:
        audit_record(
            actor=actor,
            audit=audit,
            action=action,
            outcome=DENIED,
            resource_type="patient",
            detail={"reason": "rate_limited", "limit": name},
        )
        if rate_limits.rate_limit_first_refusal(name=name, subject=actor.user_id):
            provider = clinicians.provider_get(provider_id=actor.user_id)
            for address in settings.EMERGENCY_ACCESS_NOTIFY:
                _send(
                    actor,
                    audit,
                    emails.limit_notice(
                        provider_name=provider.display_name if provider else "A doctor", what=what, to=address
                    ),
                    grant=None,
                    action="emergency.notify",
                )
        raise EmergencyRateLimited(limited.retry_after_seconds) from None


def _notify_admins(actor: Actor, audit: AuditContext, grant: EmergencyGrant) -> None:
    """Email every address in EMERGENCY_ACCESS_NOTIFY."""
    for address in settings.EMERGENCY_ACCESS_NOTIFY:
        _send(actor, audit, emails.grant_notice(grant, to=address), grant=grant, action="emergency.notify")


def _send(
    actor: Actor, audit: AuditContext, message: mail.Message, *, grant: EmergencyGrant | None, action: str
) -> None:
    """The grant stands whatever happens to the mail; a failure is audited
    so it is seen."""
    try:
        mail.send(message)
    except mail.MailNotSent:
        logger.warning("emergency access notice (%s) was not sent", action)
        audit_record(
            actor=actor,
            audit=audit,
            action=action,
            outcome=FAILED,
            resource_type="emergency_grant",
            resource_id=grant.granted_at if grant else "",
            patient_id=grant.patient_id if grant else "",
        )


def emergency_grant_review(
    *,
    actor: Actor,
    audit: AuditContext,
    patient_id: str,
    granted_at: str,
    provider_id: str,
    outcome: str,
    note: str,
) -> EmergencyGrant:
    """An admin records their review of a grant: who, when, the outcome
    (appropriate or inappropriate) and a note, once (GrantAlreadyReviewed
    when another admin was first), with its audit event. Raises
    ReviewForbidden for anyone but an admin, GrantNotFound."""
    if not actor.has_role(Role.ADMIN):
        audit_record(
            actor=actor,
            audit=audit,
            action=REVIEW_ACTION,
            outcome=DENIED,
            resource_type="emergency_grant",
            detail={"reason": "not_an_admin"},
        )
        raise ReviewForbidden(audited=True)
    if outcome not in dict(REVIEW_OUTCOMES):
        raise ValueError(f"unknown review outcome {outcome!r}")
    found = repository.grant_record_get(patient_id=patient_id, granted_at=granted_at, provider_id=provider_id)
    if found is None:
        raise GrantNotFound
    grant, values = found
    if grant.reviewed:
        raise GrantAlreadyReviewed
    reviewed = replace(
        grant,
        reviewed_by=actor.user_id,
        reviewed_by_name=actor.display_name or "An administrator",
        reviewed_at=clock.stamp(),
        review_outcome=outcome,
        review_note=note,
    )
    tx = Transaction()
    repository.grant_review_save(tx, values, reviewed)
    audit_event_add(
        tx,
        actor=actor,
        audit=audit,
        action=REVIEW_ACTION,
        resource_type="emergency_grant",
        resource_id=grant.granted_at,
        patient_id=grant.patient_id,
        detail={"outcome": outcome, "provider_id": grant.provider_id},
    )
    tx.commit()
    return reviewed
