"""Every DynamoDB call for patients (care teams: patients.care_team.repository;
self-signup: patients.signup.repository).

A patient's writes are added to a unit of work (medisecure.unit_of_work),
each with the exception its guard raises. The care team's writes that
belong in a transaction with their audit event are returned as
TransactWriteItems entries (`*_entry`); each carries the condition that
makes it safe against a concurrent writer.
"""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from medisecure import dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.tables import PATIENTS, Table
from medisecure.unit_of_work import Transaction
from patients.domain import Patient, PatientExists, name_birth_key

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


def patient_read(patient_id: str) -> dynamo.ItemRead[Patient | None]:
    """The patient, to read in one round trip with other items."""
    return dynamo.ItemRead(PATIENTS, {"patientId": patient_id}, patient_from)


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


def patient_add(tx: Transaction, patient: Patient) -> None:
    """Create the patient's record, only if they have none yet (else
    PatientExists)."""
    tx.add(
        dynamo.put_entry(PATIENTS, _patient_values(patient), Attr("patientId").not_exists()),
        refused=PatientExists,
    )


def get(patient_id: str) -> Patient | None:
    values = dynamo.get(PATIENTS, {"patientId": patient_id})
    return _patient_from(values) if values else None


def patient_profile_save(tx: Transaction, patient: Patient, *, expected_version: int) -> None:
    """Replace the record with `patient`, only if it is still at the version
    the person was editing (optimistic locking; else ConcurrentUpdate)."""
    tx.add(
        dynamo.put_entry(PATIENTS, _patient_values(patient), Attr("version").eq(expected_version)),
        refused=ConcurrentUpdate,
    )


def get_by_email(email: str) -> Patient | None:
    page = dynamo.query_page(
        PATIENTS, Key("email").eq(email), index="EmailIndex", list_name=f"patient-email:{email}", limit=1
    )
    return _patient_from(page.items[0]) if page.items else None


def find_by_name_and_birth(*, given_name: str, family_name: str, date_of_birth: str) -> list[Patient]:
    """Patients with exactly this name and date of birth (rarely more than one)."""
    key = name_birth_key(given_name, family_name, date_of_birth)
    page = dynamo.query_page(
        PATIENTS,
        Key("nameBirthKey").eq(key),
        index="NameBirthIndex",
        list_name=f"patient-name-birth:{key}",
        limit=10,
    )
    return [_patient_from(item) for item in page.items]
