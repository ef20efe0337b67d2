"""Every DynamoDB call for patients and their care team."""

from __future__ import annotations

from boto3.dynamodb.conditions import Key

from medisecure import dynamo
from medisecure.tables import CARE_TEAM, PATIENTS
from patients.domain import CareTeamMember, Patient


class PatientExists(Exception):
    pass


def _patient_from(values: dict) -> Patient:
    return Patient(
        patient_id=values["patientId"],
        email=values.get("email", ""),
        given_name=values.get("givenName", ""),
        family_name=values.get("familyName", ""),
        date_of_birth=values.get("dateOfBirth", ""),
        phone=values.get("phone", ""),
        created_at=values.get("createdAt", ""),
        version=int(values.get("version", 1)),
    )


def _patient_values(patient: Patient) -> dict:
    return {
        "patientId": patient.patient_id,
        "email": patient.email,
        "givenName": patient.given_name,
        "familyName": patient.family_name,
        "dateOfBirth": patient.date_of_birth,
        "phone": patient.phone or None,
        "createdAt": patient.created_at,
        "version": patient.version,
    }


def add(patient: Patient) -> None:
    try:
        dynamo.put_new(PATIENTS, _patient_values(patient))
    except dynamo.ItemExists as exists:
        raise PatientExists(patient.patient_id) from exists


def get(patient_id: str) -> Patient | None:
    values = dynamo.get(PATIENTS, {"patientId": patient_id})
    return _patient_from(values) if values else None


def get_by_email(email: str) -> Patient | None:
    page = dynamo.query_page(
        PATIENTS, Key("email").eq(email), index="EmailIndex", list_name=f"patient-email:{email}", limit=1
    )
    return _patient_from(page.items[0]) if page.items else None


def _member_from(values: dict) -> CareTeamMember:
    return CareTeamMember(
        patient_id=values["patientId"],
        provider_id=values["providerId"],
        patient_name=values.get("patientName", ""),
        since=values.get("since", ""),
        reason=values.get("reason", ""),
    )


def care_team_add(*, patient: Patient, provider_id: str, since: str, reason: str) -> None:
    """Link a doctor to a patient. Linking twice keeps the first link."""
    values = {
        "patientId": patient.patient_id,
        "providerId": provider_id,
        "patientSortName": patient.sort_name,
        "patientName": patient.full_name,
        "since": since,
        "reason": reason,
    }
    try:
        dynamo.put_new(CARE_TEAM, values)
    except dynamo.ItemExists:
        pass


def care_team_get(*, patient_id: str, provider_id: str) -> CareTeamMember | None:
    values = dynamo.get(CARE_TEAM, {"patientId": patient_id, "providerId": provider_id})
    return _member_from(values) if values else None


def care_team_of_patient(patient_id: str) -> list[CareTeamMember]:
    # A patient sees only a handful of doctors; one page is the whole team.
    page = dynamo.query_page(
        CARE_TEAM, Key("patientId").eq(patient_id), list_name=f"care-team-patient:{patient_id}", limit=100
    )
    return [_member_from(item) for item in page.items]


def patients_of_provider(
    provider_id: str, *, limit: int = 25, page_token: str | None = None
) -> tuple[list[CareTeamMember], str | None]:
    page = dynamo.query_page(
        CARE_TEAM,
        Key("providerId").eq(provider_id),
        index="ProviderIndex",
        list_name=f"care-team-provider:{provider_id}",
        limit=limit,
        page_token=page_token,
    )
    return [_member_from(item) for item in page.items], page.next_token
