"""Emergency access ("break the glass", HIPAA's emergency access procedure):
a doctor outside a patient's care team finds the patient by their exact name
and date of birth, gives a reason, and may open the chart for a limited
time. The grant, its review record and its audit event are written in one
transaction; the clinic's admins are emailed at once; the admin lists every
grant for review."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from botocore.exceptions import ClientError
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from audit.domain import ALLOWED, DENIED, FAILED, TIMESTAMP_FORMAT
from audit.services import actor_of, audit_record
from clinicians import repository as providers
from medisecure import clock, dynamo, mail
from patients import records_repository
from patients import repository as patients
from patients.records_domain import EmergencyGrant

logger = logging.getLogger(__name__)
ACTION = "emergency.grant"


class NoSinglePatient(Exception):
    """No patient, or more than one, has exactly that name and date of birth."""


class AlreadyInCareTeam(Exception):
    def __init__(self, patient_id: str):
        super().__init__(patient_id)
        self.patient_id = patient_id


class GrantStillLive(Exception):
    """The doctor already holds a live grant for this patient."""

    def __init__(self, patient_id: str):
        super().__init__(patient_id)
        self.patient_id = patient_id


@dataclass(frozen=True)
class EmergencyRequest:
    given_name: str
    family_name: str
    date_of_birth: str  # ISO
    reason: str


def emergency_access_grant(*, request, wanted: EmergencyRequest) -> EmergencyGrant:
    """Grant the signed-in doctor emergency access to the one patient with
    exactly this name and date of birth. Raises NoSinglePatient (audited),
    AlreadyInCareTeam, or GrantStillLive."""
    actor = actor_of(request)
    found = patients.find_by_name_and_birth(
        given_name=wanted.given_name, family_name=wanted.family_name, date_of_birth=wanted.date_of_birth
    )
    if len(found) != 1:
        audit_record(
            request=request, action=ACTION, outcome=DENIED, resource_type="patient",
            detail={"reason": "no_match" if not found else "ambiguous"},
        )
        raise NoSinglePatient
    patient = found[0]
    if patients.care_team_get(patient_id=patient.patient_id, provider_id=actor.user_id) is not None:
        raise AlreadyInCareTeam(patient.patient_id)
    now = clock.now()
    provider = providers.get(actor.user_id)
    grant = EmergencyGrant(
        patient_id=patient.patient_id,
        provider_id=actor.user_id,
        provider_name=provider.display_name if provider else "A doctor",
        granted_at=now.strftime(TIMESTAMP_FORMAT),
        expires_at=clock.epoch_seconds(now + timedelta(minutes=settings.EMERGENCY_ACCESS_MINUTES)),
        reason=wanted.reason,
    )
    writes = records_repository.grant_add_entries(grant, org_id=settings.CLINIC_ID, now=clock.epoch_seconds(now))
    try:
        audit_record(
            request=request, action=ACTION, outcome=ALLOWED, resource_type="emergency_grant",
            resource_id=grant.granted_at, patient_id=patient.patient_id,
            detail={"expires_at": grant.expires_at}, with_writes=writes,
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            raise GrantStillLive(patient.patient_id) from error
        raise
    _notify_admins(request, grant)
    return grant


def _notify_admins(request, grant: EmergencyGrant) -> None:
    """Email every address in EMERGENCY_ACCESS_NOTIFY. The grant stands
    whatever happens to the mail; a failure is audited so it is seen."""
    review_url = settings.SITE_URL + reverse("admin:emergency_access_review")
    context = {
        "grant": grant,
        "clinic_name": settings.CLINIC_NAME,
        "granted": grant.granted_at[:16].replace("T", " "),
        "ends": clock.from_epoch_seconds(grant.expires_at).strftime("%Y-%m-%d %H:%M"),
        "review_url": review_url,
    }
    for address in settings.EMERGENCY_ACCESS_NOTIFY:
        try:
            mail.send(mail.Message(
                to=address,
                subject=f"{settings.CLINIC_NAME}: emergency access to a patient's chart",
                text=render_to_string("patients/email/emergency_access.txt", context),
                html=render_to_string("patients/email/emergency_access.html", context),
            ))
        except mail.MailNotSent:
            logger.warning("emergency access notice for grant %s was not sent", grant.granted_at)
            audit_record(
                request=request, action="emergency.notify", outcome=FAILED, resource_type="emergency_grant",
                resource_id=grant.granted_at, patient_id=grant.patient_id,
            )


@dataclass(frozen=True)
class GrantReview:
    grant: EmergencyGrant
    patient_name: str


def emergency_grants_review(*, request, page_token: str | None) -> tuple[list[GrantReview], str | None]:
    """Every emergency grant, newest first, for the admins' review (the admin
    site lets only admins in)."""
    grants, next_page = records_repository.grants_for_review(org_id=settings.CLINIC_ID, page_token=page_token)
    names = records_repository.patient_names([grant.patient_id for grant in grants])
    audit_record(
        request=request, action="emergency.review", outcome=ALLOWED, resource_type="emergency_grant",
        detail={"patient_ids": sorted({grant.patient_id for grant in grants})},
    )
    return [GrantReview(grant=grant, patient_name=names.get(grant.patient_id, "")) for grant in grants], next_page
