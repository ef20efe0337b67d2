"""Every DynamoDB call for a patient's medical history (the medical-records
table) and for emergency access grants.

In the medical-records table a patient's partition holds, by sort key:
  "entry#<entryId>"                     an entry as it reads now (ids start
                                        with the time, so newest first is a
                                        descending Query)
  "rev#<entryId>#<supersededVersion>"   what an entry said before an amendment
  "summary"                             the chart's first screen (ChartSummary)

Writes are returned as TransactWriteItems entries for audit_record(
with_writes=...), each with the condition that makes it safe: an entry is
created only once, replaced only at the version that was read, and the
summary only at the version that was read.
"""

from __future__ import annotations

from dataclasses import dataclass

from boto3.dynamodb.conditions import Attr, Key

from audit import repository as audit_repository
from audit.domain import ChainHead
from medisecure import dynamo
from clinicians import repository as providers
from clinicians.domain import Provider
from medisecure.tables import (
    APPOINTMENTS,
    AUDIT_LOGS,
    CARE_TEAM,
    EMERGENCY_ACCESS,
    MEDICAL_RECORDS,
    PATIENTS,
    PROVIDERS,
)
from patients import documents_repository
from patients import repository as patients
from patients.domain import CareTeamMember, Patient
from patients.records_domain import (
    ChartSummary,
    DocumentInfo,
    EmergencyGrant,
    Entry,
    Revision,
    UpcomingAppointment,
    entry_key,
    minutes_between,
)

SUMMARY_KEY = "summary"
ENTRY_PREFIX = "entry#"
# Positions of the writes after the audit event and its chain head (0, 1).
FIRST_EXTRA_WRITE = 2


# One writer per table, naming it literally: deploy/aws's reading of the
# source finds each transaction entry's table from these.
def _put_record(values: dict, condition) -> dict:
    return {
        "Put": {
            "TableName": dynamo.name(MEDICAL_RECORDS),
            "Item": dynamo.to_item(values),
            **dynamo.condition_kwargs(condition),
        }
    }


def _put_grant(values: dict, condition) -> dict:
    return {
        "Put": {
            "TableName": dynamo.name(EMERGENCY_ACCESS),
            "Item": dynamo.to_item(values),
            **dynamo.condition_kwargs(condition),
        }
    }


# --- entries -------------------------------------------------------------------


def _entry_values(entry: Entry) -> dict:
    return {
        "patientId": entry.patient_id,
        "recordKey": entry.record_key,
        "entryId": entry.entry_id,
        "kind": entry.kind,
        "recordedAt": entry.recorded_at,
        "recordedBy": entry.recorded_by,
        "recordedByName": entry.recorded_by_name,
        "values": {name: value for name, value in entry.values.items() if value != ""},
        "version": entry.version,
        "amendedAt": entry.amended_at or None,
        "amendedByName": entry.amended_by_name or None,
    }


def _entry_from(values: dict) -> Entry:
    return Entry(
        patient_id=values["patientId"],
        entry_id=values["entryId"],
        kind=values["kind"],
        recorded_at=values.get("recordedAt", ""),
        recorded_by=values.get("recordedBy", ""),
        recorded_by_name=values.get("recordedByName", ""),
        values={name: str(value) for name, value in (values.get("values") or {}).items()},
        version=int(values.get("version", 1)),
        amended_at=values.get("amendedAt", ""),
        amended_by_name=values.get("amendedByName", ""),
    )


def entry_add_entry(entry: Entry) -> dict:
    return _put_record(_entry_values(entry), Attr("recordKey").not_exists())


def entry_amend_entries(before: Entry, after: Entry, revision: Revision) -> list[dict]:
    """Replace `before` with `after` only if no one amended it meanwhile,
    and keep what it said as `revision` (created once, never replaced)."""
    revision_values = {
        "patientId": before.patient_id,
        "recordKey": _revision_key(revision.entry_id, revision.superseded_version),
        "entryId": revision.entry_id,
        "supersededVersion": revision.superseded_version,
        "values": {name: value for name, value in revision.values.items() if value != ""},
        "replacedAt": revision.replaced_at,
        "replacedBy": revision.replaced_by,
        "replacedByName": revision.replaced_by_name,
        "reason": revision.reason,
        "kind": revision.kind,
    }
    return [
        _put_record(_entry_values(after), Attr("version").eq(before.version)),
        _put_record(revision_values, Attr("recordKey").not_exists()),
    ]


def _revision_key(entry_id: str, superseded_version: int) -> str:
    return f"rev#{entry_id}#{superseded_version:06d}"


def _revision_from(values: dict) -> Revision:
    return Revision(
        entry_id=values["entryId"],
        superseded_version=int(values["supersededVersion"]),
        values={name: str(value) for name, value in (values.get("values") or {}).items()},
        replaced_at=values.get("replacedAt", ""),
        replaced_by=values.get("replacedBy", ""),
        replaced_by_name=values.get("replacedByName", ""),
        reason=values.get("reason", ""),
        kind=values.get("kind", ""),
    )


def entry_get(patient_id: str, entry_id: str) -> Entry | None:
    values = dynamo.get(MEDICAL_RECORDS, {"patientId": patient_id, "recordKey": entry_key(entry_id)})
    return _entry_from(values) if values else None


def revisions_of(patient_id: str, entry_id: str) -> list[Revision]:
    """Every earlier version of an entry, newest first. An entry is amended
    a handful of times at most; one page holds them all."""
    page = dynamo.query_page(
        MEDICAL_RECORDS,
        Key("patientId").eq(patient_id) & Key("recordKey").begins_with(f"rev#{entry_id}#"),
        list_name=f"revisions:{patient_id}:{entry_id}",
        limit=100,
        newest_first=True,
    )
    return [_revision_from(item) for item in page.items]


def history_page(
    patient_id: str, *, limit: int = 20, page_token: str | None = None
) -> tuple[list[Entry], str | None]:
    """One page of a patient's entries, newest first."""
    page = dynamo.query_page(
        MEDICAL_RECORDS,
        Key("patientId").eq(patient_id) & Key("recordKey").begins_with(ENTRY_PREFIX),
        list_name=f"history:{patient_id}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_entry_from(item) for item in page.items], page.next_token


# --- the chart summary -----------------------------------------------------------


def _summary_key(patient_id: str) -> dict:
    return {"patientId": patient_id, "recordKey": SUMMARY_KEY}


def _summary_from(patient_id: str, values: dict | None) -> ChartSummary:
    if not values:
        return ChartSummary(patient_id=patient_id)
    vitals = values.get("latestVitals")
    return ChartSummary(
        patient_id=patient_id,
        version=int(values.get("version", 0)),
        entries=tuple(_entry_from(item) for item in values.get("entries", [])),
        latest_vitals=_entry_from(vitals) if vitals else None,
        recent_notes=tuple(_entry_from(item) for item in values.get("recentNotes", [])),
    )


def summary_save_entry(before: ChartSummary, after: ChartSummary) -> dict:
    values = {
        **_summary_key(after.patient_id),
        "version": after.version,
        "entries": [_entry_values(entry) for entry in after.entries],
        "latestVitals": _entry_values(after.latest_vitals) if after.latest_vitals else None,
        "recentNotes": [_entry_values(note) for note in after.recent_notes],
    }
    guard = Attr("recordKey").not_exists() if before.version == 0 else Attr("version").eq(before.version)
    return _put_record(values, guard)


def summary_get(patient_id: str) -> ChartSummary:
    return _summary_from(patient_id, dynamo.get(MEDICAL_RECORDS, _summary_key(patient_id)))


def all_entries(patient_id: str) -> list[Entry]:
    """Every entry, newest first, a page at a time (for the patient's
    download of their whole record)."""
    entries: list[Entry] = []
    start_key = None
    while True:
        items, start_key = dynamo.query(
            MEDICAL_RECORDS,
            Key("patientId").eq(patient_id) & Key("recordKey").begins_with(ENTRY_PREFIX),
            limit=200,
            start_key=start_key,
            newest_first=True,
        )
        entries += [_entry_from(item) for item in items]
        if not start_key:
            return entries


# --- the chart, read in one round trip ---------------------------------------------


@dataclass(frozen=True)
class ChartRead:
    """Everything opening a chart needs, from one BatchGetItem."""

    patient: Patient | None
    care_team_member: CareTeamMember | None
    grant: EmergencyGrant | None
    summary: ChartSummary
    head: ChainHead
    entry: Entry | None = None
    clinician: Provider | None = None  # the doctor opening the chart


def chart_read(patient_id: str, *, provider_id: str, chain_id: str, entry_id: str = "") -> ChartRead:
    """The patient, the doctor's care-team link and emergency grant (either
    may be missing), the chart summary and the audit chain's head, and an
    entry if asked for, all in one consistent BatchGetItem."""
    # Without an entry to read, the summary's key stands in: get_many asks
    # for a key once, so it costs nothing.
    wanted_entry = entry_key(entry_id) if entry_id else SUMMARY_KEY
    patient, member, grant, summary, head, entry, clinician = dynamo.get_many(
        [
            (PATIENTS, {"patientId": patient_id}),
            (CARE_TEAM, {"patientId": patient_id, "providerId": provider_id}),
            (EMERGENCY_ACCESS, _live_grant_key(patient_id, provider_id)),
            (MEDICAL_RECORDS, _summary_key(patient_id)),
            (AUDIT_LOGS, audit_repository.head_key(chain_id)),
            (MEDICAL_RECORDS, {"patientId": patient_id, "recordKey": wanted_entry}),
            (PROVIDERS, {"providerId": provider_id}),
        ],
        consistent=True,
    )
    if not entry_id:
        entry = None
    return ChartRead(
        patient=patients.patient_from(patient) if patient else None,
        care_team_member=patients.member_from(member) if member else None,
        grant=_grant_from(grant) if grant else None,
        summary=_summary_from(patient_id, summary),
        head=audit_repository.head_from(chain_id, head),
        entry=_entry_from(entry) if entry else None,
        clinician=providers.provider_from(clinician) if clinician else None,
    )


@dataclass(frozen=True)
class OwnRecordRead:
    patient: Patient | None
    summary: ChartSummary
    head: ChainHead


def own_record_read(patient_id: str, *, chain_id: str) -> OwnRecordRead:
    """A patient's own record, its summary and the audit chain's head, in one round trip."""
    patient, summary, head = dynamo.get_many(
        [
            (PATIENTS, {"patientId": patient_id}),
            (MEDICAL_RECORDS, _summary_key(patient_id)),
            (AUDIT_LOGS, audit_repository.head_key(chain_id)),
        ],
        consistent=True,
    )
    return OwnRecordRead(
        patient=patients.patient_from(patient) if patient else None,
        summary=_summary_from(patient_id, summary),
        head=audit_repository.head_from(chain_id, head),
    )


# --- emergency access ------------------------------------------------------------------


def _live_grant_key(patient_id: str, provider_id: str) -> dict:
    return {"patientId": patient_id, "grantKey": f"live#{provider_id}"}


def _grant_from(values: dict) -> EmergencyGrant:
    return EmergencyGrant(
        patient_id=values["patientId"],
        provider_id=values["providerId"],
        provider_name=values.get("providerName", ""),
        granted_at=values["grantedAt"],
        expires_at=int(values["expiresAt"]),
        reason=values.get("reason", ""),
    )


def grant_add_entries(grant: EmergencyGrant, *, org_id: str, now: int) -> list[dict]:
    """The live grant (only if the doctor has none still running: DynamoDB
    keeps expired items for a while, so an expired one may be replaced) and
    its record for the admins' review."""
    common = {
        "patientId": grant.patient_id,
        "providerId": grant.provider_id,
        "providerName": grant.provider_name,
        "grantedAt": grant.granted_at,
        "expiresAt": grant.expires_at,
        "reason": grant.reason,
    }
    live = {**common, **_live_grant_key(grant.patient_id, grant.provider_id), "purgeAt": grant.expires_at}
    record = {**common, "grantKey": f"grant#{grant.granted_at}#{grant.provider_id}", "orgId": org_id}
    return [
        _put_grant(live, Attr("grantKey").not_exists() | Attr("expiresAt").lte(now)),
        _put_grant(record, Attr("grantKey").not_exists()),
    ]


def grants_for_review(*, org_id: str, limit: int = 50, page_token: str | None = None):
    """Every emergency grant, newest first."""
    page = dynamo.query_page(
        EMERGENCY_ACCESS,
        Key("orgId").eq(org_id),
        index="ReviewIndex",
        list_name=f"emergency-review:{org_id}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_grant_from(item) for item in page.items], page.next_token


# --- what other apps keep about the patient, read defensively ---------------------
# The appointments and documents tables are written by their own apps; only
# the fields named here are relied on, and an item missing one is skipped.


def upcoming_appointments(patient_id: str, *, since: str, limit: int = 10) -> list[UpcomingAppointment]:
    """The patient's booked appointments from `since` (ISO UTC), soonest first."""
    items, _ = dynamo.query(
        APPOINTMENTS,
        Key("patientId").eq(patient_id) & Key("scheduledDateTime").gte(since),
        index="PatientAppointmentsIndex",
        limit=limit,
        filter_condition=Attr("status").eq("booked"),
    )
    upcoming = []
    for item in items:
        if not isinstance(item.get("scheduledDateTime"), str) or not isinstance(item.get("providerId"), str):
            continue
        minutes = item.get("durationMinutes")
        if not isinstance(minutes, int):
            minutes = minutes_between(item["scheduledDateTime"], item.get("endDateTime"))
        name = item.get("providerName")
        upcoming.append(
            UpcomingAppointment(
                provider_id=item["providerId"],
                scheduled_at=item["scheduledDateTime"],
                duration_minutes=minutes,
                provider_name=name if isinstance(name, str) else "",
            )
        )
    return upcoming


def documents_of(patient_id: str) -> list[DocumentInfo]:
    """Every document's metadata, newest first, as the record export lists it."""
    return [
        DocumentInfo(document.document_id, document.file_name, document.content_type, document.uploaded_at)
        for document in documents_repository.all_of_patient(patient_id)
    ]


def patient_names(patient_ids: list[str]) -> dict[str, str]:
    """Patients' full names by id, in one BatchGetItem (at most 100 ids)."""
    wanted = list(dict.fromkeys(patient_ids))[:100]
    if not wanted:
        return {}
    found = dynamo.get_many([(PATIENTS, {"patientId": patient_id}) for patient_id in wanted])
    return {values["patientId"]: patients.patient_from(values).full_name for values in found if values}
