"""Every DynamoDB call for emergency access grants (the emergency-access
table). A patient's partition holds, by sort key:
  "live#<providerId>"                    the doctor's grant while it runs
                                         (read with the chart, one per doctor)
  "grant#<grantedAt>#<providerId>"       every grant, kept for the admins'
                                         review (ReviewIndex, newest first);
                                         until an admin reviews it, it also
                                         carries unreviewedOrg (the sparse
                                         UnreviewedIndex, oldest first)
"""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from medisecure import dynamo
from medisecure.tables import EMERGENCY_ACCESS
from medisecure.unit_of_work import Transaction
from patients.emergency.domain import EmergencyGrant, GrantAlreadyReviewed, GrantStillLive

REVIEW_INDEX = "ReviewIndex"
UNREVIEWED_INDEX = "UnreviewedIndex"


def _live_key(patient_id: str, provider_id: str) -> dict:
    return {"patientId": patient_id, "grantKey": f"live#{provider_id}"}


def _grant_from(values: dict) -> EmergencyGrant:
    return EmergencyGrant(
        patient_id=values["patientId"],
        provider_id=values["providerId"],
        provider_name=values.get("providerName", ""),
        granted_at=values["grantedAt"],
        expires_at=int(values["expiresAt"]),
        reason=values.get("reason", ""),
        reviewed_by=values.get("reviewedBy", ""),
        reviewed_by_name=values.get("reviewedByName", ""),
        reviewed_at=values.get("reviewedAt", ""),
        review_outcome=values.get("reviewOutcome", ""),
        review_note=values.get("reviewNote", ""),
    )


def _record_key(patient_id: str, granted_at: str, provider_id: str) -> dict:
    return {"patientId": patient_id, "grantKey": f"grant#{granted_at}#{provider_id}"}


def live_grant_read(*, patient_id: str, provider_id: str) -> dynamo.ItemRead[EmergencyGrant | None]:
    """The doctor's grant for the patient (live or lately expired: the
    reader checks), to read in one round trip with the chart."""
    return dynamo.ItemRead(
        EMERGENCY_ACCESS,
        _live_key(patient_id, provider_id),
        lambda values: _grant_from(values) if values else None,
    )


def grant_record_read(
    *, patient_id: str, granted_at: str, provider_id: str
) -> dynamo.ItemRead[EmergencyGrant | None]:
    """A grant's review record, to read in one round trip with other items."""
    return dynamo.ItemRead(
        EMERGENCY_ACCESS,
        _record_key(patient_id, granted_at, provider_id),
        lambda values: _grant_from(values) if values else None,
    )


def grant_add(tx: Transaction, grant: EmergencyGrant, *, org_id: str, now: int) -> None:
    """The live grant (only if the doctor has none still running: DynamoDB
    keeps expired items for a while, so an expired one may be replaced) and
    its record for the admins' review. Either refused: GrantStillLive."""
    common = {
        "patientId": grant.patient_id,
        "providerId": grant.provider_id,
        "providerName": grant.provider_name,
        "grantedAt": grant.granted_at,
        "expiresAt": grant.expires_at,
        "reason": grant.reason,
    }
    live = {**common, **_live_key(grant.patient_id, grant.provider_id), "purgeAt": grant.expires_at}
    record = {
        **common,
        **_record_key(grant.patient_id, grant.granted_at, grant.provider_id),
        "orgId": org_id,
        "unreviewedOrg": org_id,
    }
    refused = GrantStillLive(grant.patient_id)
    tx.add(
        dynamo.put_entry(EMERGENCY_ACCESS, live, Attr("grantKey").not_exists() | Attr("expiresAt").lte(now)),
        refused=refused,
    )
    tx.add(dynamo.put_entry(EMERGENCY_ACCESS, record, Attr("grantKey").not_exists()), refused=refused)


def grants_for_review(
    *, org_id: str, limit: int = 50, page_token: str | None = None
) -> tuple[list[EmergencyGrant], str | None]:
    """Every emergency grant, newest first."""
    page = dynamo.query_page(
        EMERGENCY_ACCESS,
        Key("orgId").eq(org_id),
        index=REVIEW_INDEX,
        list_name=f"emergency-review:{org_id}",
        limit=limit,
        page_token=page_token,
        newest_first=True,
    )
    return [_grant_from(item) for item in page.items], page.next_token


def grant_record_get(
    *, patient_id: str, granted_at: str, provider_id: str
) -> tuple[EmergencyGrant, dict] | None:
    """A grant's review record and its stored values (which its review
    replaces), or None."""
    values = dynamo.get(EMERGENCY_ACCESS, _record_key(patient_id, granted_at, provider_id))
    return (_grant_from(values), values) if values else None


def grant_review_save(tx: Transaction, values: dict, reviewed: EmergencyGrant) -> None:
    """The grant's record with its review, only while no review is recorded
    (GrantAlreadyReviewed); it leaves the unreviewed list."""
    after = {name: value for name, value in values.items() if name != "unreviewedOrg"} | {
        "reviewedBy": reviewed.reviewed_by,
        "reviewedByName": reviewed.reviewed_by_name,
        "reviewedAt": reviewed.reviewed_at,
        "reviewOutcome": reviewed.review_outcome,
        "reviewNote": reviewed.review_note,
    }
    tx.add(
        dynamo.put_entry(
            EMERGENCY_ACCESS, after, Attr("grantKey").exists() & Attr("reviewedAt").not_exists()
        ),
        refused=GrantAlreadyReviewed,
    )


def grants_unreviewed_before(*, org_id: str, before: str, limit: int = 50) -> list[EmergencyGrant]:
    """Grants no admin has reviewed, granted before `before`, oldest first."""
    items, _ = dynamo.query(
        EMERGENCY_ACCESS,
        Key("unreviewedOrg").eq(org_id) & Key("grantedAt").lt(before),
        index=UNREVIEWED_INDEX,
        limit=limit,
    )
    return [_grant_from(item) for item in items]
