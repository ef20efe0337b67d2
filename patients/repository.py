"""Every DynamoDB call for patients, their care team and self-signup.

Writes that belong in a transaction with their audit event are returned as
TransactWriteItems entries (`*_entry`) for audit_record(with_writes=...);
each carries the condition that makes it safe against a concurrent writer.
"""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from audit import repository as audit_repository
from audit.domain import ChainHead
from medisecure import dynamo
from medisecure.tables import AUDIT_LOGS, CARE_TEAM, PATIENT_PROVISIONAL, PATIENTS, Table
from patients.domain import CareTeamMember, Patient, SendLedger, Signup
from patients.records_domain import name_birth_key


class PatientExists(Exception):
    pass


# --- Patients ---------------------------------------------------------------

_PATIENT_ATTRIBUTES = {
    "patient_id": "patientId",
    "email": "email",
    "given_name": "givenName",
    "family_name": "familyName",
    "date_of_birth": "dateOfBirth",
    "phone": "phone",
    "created_at": "createdAt",
    "version": "version",
    "address_line1": "addressLine1",
    "address_line2": "addressLine2",
    "city": "city",
    "region": "region",
    "postal_code": "postalCode",
    "emergency_contact_name": "emergencyContactName",
    "emergency_contact_relationship": "emergencyContactRelationship",
    "emergency_contact_phone": "emergencyContactPhone",
    "preferred_language": "preferredLanguage",
    "allergies_summary": "allergiesSummary",
}


def _patient_from(values: dict) -> Patient:
    fields = {name: values.get(attribute, "") for name, attribute in _PATIENT_ATTRIBUTES.items()}
    fields["version"] = int(values.get("version", 1))
    return Patient(**fields)


def patient_key(patient_id: str) -> dict:
    """The key of the patient's item, for reading it together with others."""
    return {"patientId": patient_id}


def patient_from(values: dict | None) -> Patient | None:
    return _patient_from(values) if values else None


def _patient_values(patient: Patient) -> dict:
    values = {attribute: getattr(patient, name) for name, attribute in _PATIENT_ATTRIBUTES.items()}
    values["nameBirthKey"] = name_birth_key(patient.given_name, patient.family_name, patient.date_of_birth)
    # Empty optional fields are left out rather than stored as "".
    return {attribute: value for attribute, value in values.items() if value != ""}


def _put(table: Table, values: dict, condition) -> dict:
    return {
        "Put": {
            "TableName": dynamo.name(table),
            "Item": dynamo.to_item(values),
            **dynamo.condition_kwargs(condition),
        }
    }


def add(patient: Patient) -> None:
    try:
        dynamo.put_new(PATIENTS, _patient_values(patient))
    except dynamo.ItemExists as exists:
        raise PatientExists(patient.patient_id) from exists


def add_entry(patient: Patient) -> dict:
    """Create the patient's record, only if they have none yet."""
    return _put(PATIENTS, _patient_values(patient), Attr("patientId").not_exists())


def get(patient_id: str) -> Patient | None:
    values = dynamo.get(PATIENTS, {"patientId": patient_id})
    return _patient_from(values) if values else None


def get_with_audit_head(patient_id: str, *, chain_id: str) -> tuple[Patient | None, ChainHead]:
    """The patient and the head of the audit chain their read will be
    recorded on, in one round trip."""
    values, head = dynamo.get_many(
        [(PATIENTS, {"patientId": patient_id}), (AUDIT_LOGS, audit_repository.head_key(chain_id))],
        consistent=True,
    )
    return (_patient_from(values) if values else None), audit_repository.head_from(chain_id, head)


def profile_save_entry(patient: Patient, *, expected_version: int) -> dict:
    """Replace the record with `patient`, only if it is still at the version
    the person was editing (optimistic locking)."""
    return _put(PATIENTS, _patient_values(patient), Attr("version").eq(expected_version))


def get_by_email(email: str) -> Patient | None:
    page = dynamo.query_page(
        PATIENTS, Key("email").eq(email), index="EmailIndex", list_name=f"patient-email:{email}", limit=1
    )
    return _patient_from(page.items[0]) if page.items else None


def find_by_name_and_birth(*, given_name: str, family_name: str, date_of_birth: str) -> list[Patient]:
    """Patients with exactly this name and date of birth (rarely more than one)."""
    key = name_birth_key(given_name, family_name, date_of_birth)
    page = dynamo.query_page(
        PATIENTS, Key("nameBirthKey").eq(key), index="NameBirthIndex", list_name=f"patient-name-birth:{key}", limit=10
    )
    return [_patient_from(item) for item in page.items]


# --- Care team --------------------------------------------------------------


def _member_from(values: dict) -> CareTeamMember:
    return CareTeamMember(
        patient_id=values["patientId"],
        provider_id=values["providerId"],
        patient_name=values.get("patientName", ""),
        since=values.get("since", ""),
        reason=values.get("reason", ""),
    )


def member_from(values: dict) -> CareTeamMember:
    return _member_from(values)


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


def care_team_key(*, patient_id: str, provider_id: str) -> dict:
    """The key of a care-team link, for reading it together with others."""
    return {"patientId": patient_id, "providerId": provider_id}


def care_team_add_entry(*, patient: Patient, provider_id: str, since: str, reason: str) -> dict:
    """Link a doctor to a patient within a transaction, only if no link is
    there yet (an existing link keeps its date and reason)."""
    values = {
        "patientId": patient.patient_id,
        "providerId": provider_id,
        "patientSortName": patient.sort_name,
        "patientName": patient.full_name,
        "since": since,
        "reason": reason,
    }
    return _put(CARE_TEAM, values, Attr("patientId").not_exists())


def care_team_remove_entry(*, patient_id: str, provider_id: str) -> dict:
    """Unlink a doctor from a patient, only if they are linked."""
    return {
        "Delete": {
            "TableName": dynamo.name(CARE_TEAM),
            "Key": dynamo.to_item({"patientId": patient_id, "providerId": provider_id}),
            **dynamo.condition_kwargs(Attr("providerId").exists()),
        }
    }


def care_team_get(*, patient_id: str, provider_id: str) -> CareTeamMember | None:
    values = dynamo.get(CARE_TEAM, {"patientId": patient_id, "providerId": provider_id})
    return _member_from(values) if values else None


def _care_team_items(patient_id: str) -> list[dict]:
    # A patient sees only a handful of doctors; one page is the whole team.
    page = dynamo.query_page(
        CARE_TEAM, Key("patientId").eq(patient_id), list_name=f"care-team-patient:{patient_id}", limit=100
    )
    return page.items


def care_team_of_patient(patient_id: str) -> list[CareTeamMember]:
    return [_member_from(item) for item in _care_team_items(patient_id)]


def care_team_rename_entries(patient: Patient) -> list[dict]:
    """Carry a patient's new name to their care-team links (doctors' lists
    show it from there), each link replaced only if unchanged since read."""
    entries = []
    for item in _care_team_items(patient.patient_id):
        renamed = {**item, "patientName": patient.full_name, "patientSortName": patient.sort_name}
        entries.append(_put(CARE_TEAM, renamed, dynamo.unchanged(item)))
    return entries


def patients_of_provider_by_name(
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
        index="ProviderIndex",
        list_name=f"care-team-provider:{provider_id}:{start}",
        limit=limit,
        page_token=page_token,
    )
    return [_member_from(item) for item in page.items], page.next_token


# --- Self-signup (the patient-provisional table) -----------------------------

# Each address also has one ledger item of its recent sends, beside its
# sign-ups. It has no status, so it stays out of StatusIndex.
LEDGER_SORT_KEY = "#send-ledger"

_SIGNUP_ATTRIBUTES = {
    "email": "email",
    "created_at": "createdAt",
    "signup_id": "signupId",
    "status": "status",
    "for_existing_account": "existingAccount",
    "code_digest": "codeHash",
    "code_expires_at": "codeExpiresAt",
    "attempts": "attempts",
    "expires_at": "expiresAt",
    "given_name": "givenName",
    "family_name": "familyName",
    "date_of_birth": "dateOfBirth",
    "phone": "phone",
    "sealed_password": "passwordSealed",
    "patient_id": "patientId",
    "verified_at": "verifiedAt",
}
# What a concurrent verify or resend changes: a transition replaces the row
# only if none of these moved since it was read.
_SIGNUP_STATE = ("status", "codeHash", "attempts", "codeExpiresAt")


def _signup_values(signup: Signup) -> dict:
    values = {attribute: getattr(signup, name) for name, attribute in _SIGNUP_ATTRIBUTES.items()}
    return {attribute: value for attribute, value in values.items() if value != ""}


def _signup_from(values: dict) -> Signup:
    fields = {name: values.get(attribute, "") for name, attribute in _SIGNUP_ATTRIBUTES.items()}
    fields["for_existing_account"] = bool(values.get("existingAccount", False))
    for number in ("code_expires_at", "attempts", "expires_at"):
        fields[number] = int(values.get(_SIGNUP_ATTRIBUTES[number], 0))
    return Signup(**fields)


def signup_get(email: str, created_at: str) -> Signup | None:
    """A sign-up, read consistently: its state decides whether a code counts."""
    response = dynamo.client().get_item(
        TableName=dynamo.name(PATIENT_PROVISIONAL),
        Key=dynamo.to_item({"email": email, "createdAt": created_at}),
        ConsistentRead=True,
    )
    item = response.get("Item")
    return _signup_from(dynamo.from_item(item)) if item else None


def signup_add_entry(signup: Signup) -> dict:
    return _put(PATIENT_PROVISIONAL, _signup_values(signup), Attr("email").not_exists())


def signup_replace_entry(before: Signup, after: Signup) -> dict:
    """Move a sign-up from the state it was read in to `after`; refused if a
    concurrent request moved it first."""
    state = _signup_values(before)
    condition = dynamo.unchanged({attribute: state.get(attribute) for attribute in _SIGNUP_STATE})
    return _put(PATIENT_PROVISIONAL, _signup_values(after), condition)


def ledger_get(email: str) -> SendLedger:
    response = dynamo.client().get_item(
        TableName=dynamo.name(PATIENT_PROVISIONAL),
        Key=dynamo.to_item({"email": email, "createdAt": LEDGER_SORT_KEY}),
        ConsistentRead=True,
    )
    values = dynamo.from_item(response.get("Item", {}))
    return SendLedger(
        email=email,
        sent_at=tuple(int(moment) for moment in values.get("sentAt", [])),
        version=int(values.get("version", 0)),
    )


def ledger_save_entry(before: SendLedger, after: SendLedger) -> dict:
    """Record `after`, only if no one else recorded a send since `before`."""
    values = {
        "email": after.email,
        "createdAt": LEDGER_SORT_KEY,
        "sentAt": list(after.sent_at),
        "version": after.version,
        # Sends older than an hour no longer count; nor does the ledger then.
        "expiresAt": (max(after.sent_at) if after.sent_at else 0) + 3600,
    }
    guard = Attr("email").not_exists() if before.version == 0 else Attr("version").eq(before.version)
    return _put(PATIENT_PROVISIONAL, values, guard)


def ledger_save(before: SendLedger, after: SendLedger) -> bool:
    """ledger_save_entry on its own; False if someone else got there first."""
    put = ledger_save_entry(before, after)["Put"]
    try:
        dynamo.client().put_item(
            TableName=dynamo.name(PATIENT_PROVISIONAL),
            **{key: value for key, value in put.items() if key != "TableName"},
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True
