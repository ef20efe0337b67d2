"""Every DynamoDB call for care teams (the care-team table): a link per
patient and doctor, keyed by patient; the ProviderIndex lists a doctor's
patients by family name.

Writes are added to a unit of work (medisecure.unit_of_work), each with the
exception its guard raises: a link is added only where none is there yet
(AlreadyInCareTeam), removed only where it is (NotInCareTeam). The `*_entry`
builders are the same writes as TransactWriteItems entries, for callers that
still assemble their transaction themselves."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from medisecure import dynamo
from medisecure.tables import CARE_TEAM
from medisecure.unit_of_work import Transaction
from patients.care_team.domain import AlreadyInCareTeam, CareTeamMember, NotInCareTeam
from patients.domain import Patient

PROVIDER_INDEX = "ProviderIndex"
# A patient sees only a handful of doctors; one page is the whole team.
TEAM_PAGE = 100


def _member_from(values: dict) -> CareTeamMember:
    return CareTeamMember(
        patient_id=values["patientId"],
        provider_id=values["providerId"],
        patient_name=values.get("patientName", ""),
        since=values.get("since", ""),
        reason=values.get("reason", ""),
    )


def _key(patient_id: str, provider_id: str) -> dict:
    return {"patientId": patient_id, "providerId": provider_id}


def _link_values(*, patient: Patient, provider_id: str, since: str, reason: str) -> dict:
    return {
        **_key(patient.patient_id, provider_id),
        "patientSortName": patient.sort_name,
        "patientName": patient.full_name,
        "since": since,
        "reason": reason,
    }


# --- reads ---------------------------------------------------------------------


def link_read(*, patient_id: str, provider_id: str) -> dynamo.ItemRead[CareTeamMember | None]:
    """A care-team link, to read in one round trip with other items."""
    return dynamo.ItemRead(
        CARE_TEAM,
        _key(patient_id, provider_id),
        lambda values: _member_from(values) if values else None,
    )


def link_get(*, patient_id: str, provider_id: str) -> CareTeamMember | None:
    values = dynamo.get(CARE_TEAM, _key(patient_id, provider_id))
    return _member_from(values) if values else None


def _team_items(patient_id: str) -> list[dict]:
    page = dynamo.query_page(
        CARE_TEAM,
        Key("patientId").eq(patient_id),
        list_name=f"care-team-patient:{patient_id}",
        limit=TEAM_PAGE,
    )
    return page.items


def links_of_patient(patient_id: str) -> list[CareTeamMember]:
    return [_member_from(item) for item in _team_items(patient_id)]


def links_of_provider_by_name(
    provider_id: str, *, family_name_start: str, limit: int = 25, page_token: str | None = None
) -> tuple[list[CareTeamMember], str | None]:
    """A doctor's care-team patients, by family name, those whose family name
    starts with `family_name_start` (all of them when it is empty)."""
    key = Key("providerId").eq(provider_id)
    start = family_name_start.strip().casefold()
    if start:
        key = key & Key("patientSortName").begins_with(start)
    page = dynamo.query_page(
        CARE_TEAM,
        key,
        index=PROVIDER_INDEX,
        list_name=f"care-team-provider:{provider_id}:{start}",
        limit=limit,
        page_token=page_token,
    )
    return [_member_from(item) for item in page.items], page.next_token


# --- writes --------------------------------------------------------------------


def link_add_entry(*, patient: Patient, provider_id: str, since: str, reason: str) -> dict:
    """Link a doctor to a patient, only if no link is there yet (an existing
    link keeps its date and reason)."""
    return dynamo.put_entry(
        CARE_TEAM,
        _link_values(patient=patient, provider_id=provider_id, since=since, reason=reason),
        Attr("patientId").not_exists(),
    )


def link_add(tx: Transaction, *, patient: Patient, provider_id: str, since: str, reason: str) -> None:
    tx.add(
        link_add_entry(patient=patient, provider_id=provider_id, since=since, reason=reason),
        refused=AlreadyInCareTeam,
    )


def link_remove(tx: Transaction, *, patient_id: str, provider_id: str) -> None:
    """Unlink a doctor from a patient, only if they are linked."""
    tx.add(
        dynamo.delete_entry(CARE_TEAM, _key(patient_id, provider_id), Attr("providerId").exists()),
        refused=NotInCareTeam,
    )


def link_add_if_missing(*, patient: Patient, provider_id: str, since: str, reason: str) -> None:
    """Link a doctor to a patient on its own (seeding a clinic); linking
    twice keeps the first link."""
    try:
        dynamo.put_new(
            CARE_TEAM, _link_values(patient=patient, provider_id=provider_id, since=since, reason=reason)
        )
    except dynamo.ItemExists:
        pass


def links_rename_entries(patient: Patient) -> list[dict]:
    """Carry a patient's new name to their care-team links (doctors' lists
    show it from there), each link replaced only if unchanged since read."""
    entries = []
    for item in _team_items(patient.patient_id):
        renamed = {**item, "patientName": patient.full_name, "patientSortName": patient.sort_name}
        entries.append(dynamo.put_entry(CARE_TEAM, renamed, dynamo.unchanged(item)))
    return entries
