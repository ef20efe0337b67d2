"""Every DynamoDB call for providers and clinician applications, and the
licence scans' storage in S3."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from typing import Callable, Sequence

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage

from clinicians.domain import Application, LicenceFile, Provider
from medisecure import dynamo
from medisecure.tables import CLINICIAN_APPLICATIONS, PROVIDERS

BATCH_GET_LIMIT = 100


class ProviderExists(Exception):
    pass


def _from(values: dict) -> Provider:
    return Provider(
        provider_id=values["providerId"],
        email=values.get("email", ""),
        given_name=values.get("givenName", ""),
        family_name=values.get("familyName", ""),
        specialty=values.get("specialty", ""),
        licence_number=values.get("licenceNumber", ""),
        licence_region=values.get("licenceRegion", ""),
        created_at=values.get("createdAt", ""),
    )


def provider_key(provider_id: str) -> dict:
    """The key of the provider's item, for reading it together with others."""
    return {"providerId": provider_id}


def provider_from(values: dict | None) -> Provider | None:
    return _from(values) if values else None


def _provider_values(provider: Provider) -> dict:
    return {
        "providerId": provider.provider_id,
        "email": provider.email,
        "givenName": provider.given_name,
        "familyName": provider.family_name,
        "specialty": provider.specialty,
        "sortName": provider.sort_name,
        "licenceNumber": provider.licence_number or None,
        "licenceRegion": provider.licence_region or None,
        "createdAt": provider.created_at,
    }


def add(provider: Provider) -> None:
    try:
        dynamo.put_new(PROVIDERS, _provider_values(provider))
    except dynamo.ItemExists as exists:
        raise ProviderExists(provider.provider_id) from exists


def get(provider_id: str) -> Provider | None:
    values = dynamo.get(PROVIDERS, {"providerId": provider_id})
    return _from(values) if values else None


def get_many(provider_ids: list[str]) -> dict[str, Provider]:
    """Providers by id, in one BatchGetItem."""
    wanted = list(dict.fromkeys(provider_ids))[:BATCH_GET_LIMIT]
    if not wanted:
        return {}
    found = dynamo.get_many([(PROVIDERS, {"providerId": provider_id}) for provider_id in wanted])
    return {provider.provider_id: provider for provider in map(_from, filter(None, found))}


def list_by_specialty(specialty: str, *, limit: int = 25, page_token: str | None = None):
    page = dynamo.query_page(
        PROVIDERS,
        Key("specialty").eq(specialty),
        index="SpecialtyIndex",
        list_name=f"providers-specialty:{specialty}",
        limit=limit,
        page_token=page_token,
    )
    return [_from(item) for item in page.items], page.next_token


# --- Clinician applications ---------------------------------------------------
#
# Besides the applications, the table holds one guard item per email with an
# open application. The guard has neither `status` nor `email`, so it stays out
# of both indexes; creating it is conditional, which is what makes "one open
# application per email" hold however many submissions race.

GUARD_SORT_KEY = "GUARD"
CONDITIONAL_FAILED = "ConditionalCheckFailed"

# The writes go to DynamoDB together with their audit event: `audited` is
# called with the TransactWriteItems entries and stores them in one
# transaction with the event (audit.services.audit_record's `with_writes`).
Audited = Callable[[list[dict]], object]


class PendingApplicationExists(Exception):
    """This email already has an application waiting for a decision."""


class StaleApplication(Exception):
    """The application changed since it was read: another admin got there first."""


def _application_values(application: Application) -> dict:
    return {
        "applicationId": application.application_id,
        "submittedAt": application.submitted_at,
        "status": application.status,
        "version": application.version,
        "givenName": application.given_name,
        "familyName": application.family_name,
        # Name search matches within this, whatever the case of the query.
        "nameSearch": application.full_name.casefold(),
        "email": application.email,
        "phone": application.phone,
        "specialty": application.specialty,
        "licenceNumber": application.licence_number,
        "licenceRegion": application.licence_region,
        "licenceExpiry": application.licence_expiry,
        "npi": application.npi or None,
        "yearsOfPractice": application.years_of_practice,
        "statement": application.statement,
        "scanKey": application.scan.key,
        "scanContentType": application.scan.content_type,
        "scanSize": application.scan.size,
        "decidedBy": application.decided_by or None,
        "decidedByEmail": application.decided_by_email or None,
        "decidedAt": application.decided_at or None,
        "decisionNote": application.decision_note or None,
        "providerId": application.provider_id or None,
    }


def _application_from(values: dict) -> Application:
    return Application(
        application_id=values["applicationId"],
        submitted_at=values["submittedAt"],
        status=values["status"],
        version=int(values["version"]),
        given_name=values.get("givenName", ""),
        family_name=values.get("familyName", ""),
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        specialty=values.get("specialty", ""),
        licence_number=values.get("licenceNumber", ""),
        licence_region=values.get("licenceRegion", ""),
        licence_expiry=values.get("licenceExpiry", ""),
        npi=values.get("npi", ""),
        years_of_practice=int(values.get("yearsOfPractice", 0)),
        statement=values.get("statement", ""),
        scan=LicenceFile(
            key=values.get("scanKey", ""),
            content_type=values.get("scanContentType", ""),
            size=int(values.get("scanSize", 0)),
        ),
        decided_by=values.get("decidedBy", ""),
        decided_by_email=values.get("decidedByEmail", ""),
        decided_at=values.get("decidedAt", ""),
        decision_note=values.get("decisionNote", ""),
        provider_id=values.get("providerId", ""),
    )


def _guard_key(email: str) -> dict:
    # A digest, so the key says nothing about who applied.
    digest = hashlib.sha256(email.encode("utf-8")).hexdigest()
    return {"applicationId": f"open-application#{digest}", "submittedAt": GUARD_SORT_KEY}


def _guard_put(application: Application) -> dict:
    item = {**_guard_key(application.email), "holder": application.application_id}
    return {
        "Put": {
            "TableName": dynamo.name(CLINICIAN_APPLICATIONS),
            "Item": dynamo.to_item(item),
            **dynamo.condition_kwargs(Attr("applicationId").not_exists()),
        }
    }


def _guard_delete(application: Application) -> dict:
    # Only this application's own guard; a missing one is already released.
    condition = Attr("applicationId").not_exists() | Attr("holder").eq(application.application_id)
    return {
        "Delete": {
            "TableName": dynamo.name(CLINICIAN_APPLICATIONS),
            "Key": dynamo.to_item(_guard_key(application.email)),
            **dynamo.condition_kwargs(condition),
        }
    }


def _application_put(application: Application, condition) -> dict:
    return {
        "Put": {
            "TableName": dynamo.name(CLINICIAN_APPLICATIONS),
            "Item": dynamo.to_item(_application_values(application)),
            **dynamo.condition_kwargs(condition),
        }
    }


def _failed_writes(error: ClientError, count: int) -> list[bool]:
    """For each of our `count` writes (the last ones in the transaction, after
    the audit event's), whether its condition failed."""
    codes = dynamo.cancellation_codes(error)[-count:] if count else []
    return [code == CONDITIONAL_FAILED for code in codes]


def application_submit(application: Application, *, audited: Audited) -> None:
    """Store a new application and its email's guard, all or nothing. Raises
    PendingApplicationExists when the email already has an open one."""
    writes = [_guard_put(application), _application_put(application, Attr("applicationId").not_exists())]
    try:
        audited(writes)
    except ClientError as error:
        failed = _failed_writes(error, len(writes))
        if failed and failed[0]:
            raise PendingApplicationExists(application.application_id) from error
        raise


def application_get(application_id: str) -> Application | None:
    """The application as it is now (a strongly consistent read)."""
    response = dynamo.client().query(
        TableName=dynamo.name(CLINICIAN_APPLICATIONS),
        ConsistentRead=True,
        Limit=1,
        **dynamo.query_kwargs(Key("applicationId").eq(application_id)),
    )
    items = response.get("Items", [])
    return _application_from(dynamo.from_item(items[0])) if items else None


def application_replace(
    current: Application,
    updated: Application,
    *,
    release_guard: bool = False,
    extra_writes: Sequence[dict] = (),
    audited: Audited,
) -> Application:
    """Move `current` on to `updated` (one version later), on condition that
    nobody moved it since it was read; with the guard's release and
    `extra_writes` in the same transaction. Raises StaleApplication."""
    updated = replace(updated, version=current.version + 1)
    condition = Attr("version").eq(current.version) & Attr("status").eq(current.status)
    writes = [_application_put(updated, condition), *extra_writes]
    if release_guard:
        writes.append(_guard_delete(current))
    try:
        audited(writes)
    except ClientError as error:
        failed = _failed_writes(error, len(writes))
        if failed and failed[0]:
            raise StaleApplication(current.application_id) from error
        raise
    return updated


# The indexes a list of applications can come from, by what it lists them by.
LIST_INDEXES = {"status": "StatusIndex", "email": "EmailIndex"}


def _list_page(key_condition, *, by, list_name, filter_condition, limit, page_token):
    page = dynamo.query_page(
        CLINICIAN_APPLICATIONS,
        key_condition,
        index=LIST_INDEXES[by],
        list_name=list_name,
        limit=limit,
        page_token=page_token,
        newest_first=True,
        filter_condition=filter_condition,
    )
    return [_application_from(item) for item in page.items], page.next_token


def applications_by_status(
    status: str, *, name_contains: str = "", limit: int, page_token: str | None = None
) -> tuple[list[Application], str | None]:
    """Newest first, one Query per page. A name search filters what the page
    read: `limit` items are read and the ones whose name matches are kept."""
    name_filter = Attr("nameSearch").contains(name_contains.casefold()) if name_contains else None
    return _list_page(
        Key("status").eq(status),
        by="status",
        list_name=f"clinician-applications:status:{status}:name:{name_contains.casefold()}",
        filter_condition=name_filter,
        limit=limit,
        page_token=page_token,
    )


def applications_by_email(
    email: str, *, status: str, limit: int, page_token: str | None = None
) -> tuple[list[Application], str | None]:
    """One email's applications in one status, newest first."""
    return _list_page(
        Key("email").eq(email),
        by="email",
        list_name=f"clinician-applications:email:{email}:status:{status}",
        filter_condition=Attr("status").eq(status),
        limit=limit,
        page_token=page_token,
    )


def provider_put_new(provider: Provider) -> dict:
    """The TransactWriteItems entry that creates a provider record."""
    return {
        "Put": {
            "TableName": dynamo.name(PROVIDERS),
            "Item": dynamo.to_item(_provider_values(provider)),
            **dynamo.condition_kwargs(Attr("providerId").not_exists()),
        }
    }


# --- Licence scans (S3, through django-storages' default storage) -------------

SCAN_PREFIX = "licence-scans/"


def scan_store(upload, *, content_type: str) -> str:
    """Store an uploaded scan under a new random key and return the key. The
    bucket is private and encrypts every object (see bootstrap and STORAGES)."""
    # S3 serves the object as the type its content showed, not as claimed.
    upload.content_type = content_type
    return default_storage.save(f"{SCAN_PREFIX}{secrets.token_hex(16)}", upload)


def scan_delete(key: str) -> None:
    default_storage.delete(key)


def scan_url(scan: LicenceFile, *, download_name: str, expires_seconds: int) -> str:
    """A presigned GET for the scan that stops working after `expires_seconds`."""
    return default_storage.url(
        scan.key,
        parameters={
            "ResponseContentType": scan.content_type,
            "ResponseContentDisposition": f'inline; filename="{download_name}"',
            "ResponseCacheControl": "no-store",
        },
        expire=expires_seconds,
    )


def get_by_email(email: str) -> Provider | None:
    page = dynamo.query_page(
        PROVIDERS, Key("email").eq(email), index="EmailIndex", list_name=f"provider-email:{email}", limit=1
    )
    return _from(page.items[0]) if page.items else None
