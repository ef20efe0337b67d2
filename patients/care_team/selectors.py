"""Reads of care teams: who is in whose care team (and so may open their
chart, or is linked by a booking), for other rooms and apps; and a
patient's team for the clinic's admins.

The faces other rooms use (`care_team_member_get`, `care_team_link_read`,
`care_team_list_for_provider`) are not audited themselves: each is for a
service that audits its own action. The admin's read is audited here."""

from __future__ import annotations

from audit.domain import ALLOWED
from audit.services import audit_record
from clinicians import selectors as clinicians
from medisecure import dynamo
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role

# The patient records of this same app, by their repository: the app's
# root selectors read care teams from here (the patient's home), so reading
# patients back through them would close a circle.
from patients import repository as patients
from patients.care_team import repository
from patients.care_team.domain import (
    ID_LIMIT,
    CareTeam,
    CareTeamForAdminsOnly,
    CareTeamMember,
    CareTeamPatientNotFound,
)


def care_team_member_get(*, patient_id: str, provider_id: str) -> CareTeamMember | None:
    return repository.link_get(patient_id=patient_id, provider_id=provider_id)


def care_team_link_read(*, patient_id: str, provider_id: str) -> dynamo.ItemRead[CareTeamMember | None]:
    """A care-team link, to read in one round trip with other items
    (medisecure.dynamo.read_together)."""
    return repository.link_read(patient_id=patient_id, provider_id=provider_id)


def care_team_members_list(*, patient_id: str) -> list[CareTeamMember]:
    """The doctors in a patient's care team (a handful: one Query)."""
    return repository.links_of_patient(patient_id)


def care_team_list_for_provider(
    *, provider_id: str, family_name_start: str, limit: int, page_token: str | None
) -> tuple[list[CareTeamMember], str | None]:
    """One page of a doctor's care-team patients by family name, narrowed to
    family names starting with `family_name_start`. Raises
    medisecure.dynamo.InvalidPageToken for a token not issued for this list."""
    return repository.links_of_provider_by_name(
        provider_id, family_name_start=family_name_start, limit=limit, page_token=page_token
    )


def care_team_admin_check(*, actor: Actor) -> None:
    """The admin site lets only admins in; care-team reads and changes check
    again, so a command or another page cannot reach them by mistake."""
    if not actor.has_role(Role.ADMIN):
        raise CareTeamForAdminsOnly


def care_team_get(
    *, actor: Actor, audit: AuditContext, patient_email: str = "", patient_id: str = ""
) -> CareTeam:
    """A patient's care team, found by their email or id, for an admin.
    Raises CareTeamPatientNotFound when no patient has them."""
    care_team_admin_check(actor=actor)
    if patient_email:
        patient = patients.get_by_email(patient_email)
    else:
        patient = patients.get(patient_id) if len(patient_id) <= ID_LIMIT else None
    if patient is None:
        raise CareTeamPatientNotFound
    members = repository.links_of_patient(patient.patient_id)
    doctors = clinicians.providers_get_many(provider_ids=[member.provider_id for member in members])
    audit_record(
        actor=actor,
        audit=audit,
        action="careteam.read",
        outcome=ALLOWED,
        resource_type="care_team",
        resource_id=patient.patient_id,
        patient_id=patient.patient_id,
    )
    return CareTeam(
        patient=patient, members=[(member, doctors.get(member.provider_id)) for member in members]
    )
