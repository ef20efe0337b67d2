"""Every DynamoDB call for clinician applications, and the licence scans'
storage in S3.

Besides the applications, the table holds one guard item per email with an
open application. The guard has neither `status` nor `email`, so it stays out
of both indexes; creating it is conditional, which is what makes "one open
application per email" hold however many submissions race."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import replace

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import default_storage

from clinicians.applications.domain import Application, LicenceFile, PendingApplicationExists
from medisecure import dynamo
from medisecure.errors import ConcurrentUpdate
from medisecure.tables import CLINICIAN_APPLICATIONS
from medisecure.unit_of_work import Transaction

logger = logging.getLogger(__name__)

GUARD_SORT_KEY = "GUARD"


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


def add_new(tx: Transaction, application: Application) -> None:
    """Add a new application and its email's guard to `tx`: the commit
    raises PendingApplicationExists when the email has an open one."""
    guard = {**_guard_key(application.email), "holder": application.application_id}
    tx.add(
        dynamo.put_entry(CLINICIAN_APPLICATIONS, guard, Attr("applicationId").not_exists()),
        refused=PendingApplicationExists(application.application_id),
    )
    # A reference is 80 random bits: one already taken is a fault, not a rule
    # (left to the unit of work's WriteRefused).
    tx.add(
        dynamo.put_entry(
            CLINICIAN_APPLICATIONS, _application_values(application), Attr("applicationId").not_exists()
        )
    )


def replace_current(
    tx: Transaction, current: Application, updated: Application, *, release_guard: bool = False
) -> Application:
    """Add to `tx` the move of `current` on to `updated` (one version later),
    on condition that nobody moved it since it was read (the commit raises
    ConcurrentUpdate), with the release of the email's guard if asked.
    Returns the application as it will be stored."""
    updated = replace(updated, version=current.version + 1)
    unchanged = Attr("version").eq(current.version) & Attr("status").eq(current.status)
    tx.add(
        dynamo.put_entry(CLINICIAN_APPLICATIONS, _application_values(updated), unchanged),
        refused=ConcurrentUpdate(current.application_id),
    )
    if release_guard:
        # Only this application's own guard; a missing one is already released.
        held = Attr("applicationId").not_exists() | Attr("holder").eq(current.application_id)
        tx.add(dynamo.delete_entry(CLINICIAN_APPLICATIONS, _guard_key(current.email), held))
    return updated


def get(application_id: str) -> Application | None:
    """The application as it is now (a strongly consistent read)."""
    response = dynamo.client().query(
        TableName=dynamo.name(CLINICIAN_APPLICATIONS),
        ConsistentRead=True,
        Limit=1,
        **dynamo.query_kwargs(Key("applicationId").eq(application_id)),
    )
    items = response.get("Items", [])
    return _application_from(dynamo.from_item(items[0])) if items else None


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


def list_by_status(
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


def list_by_email(
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


# --- Licence scans (S3, through django-storages' default storage) -------------

SCAN_PREFIX = "licence-scans/"


def scan_store(upload, *, content_type: str) -> str:
    """Store an uploaded scan under a new random key and return the key. The
    bucket is private and encrypts every object (see bootstrap and STORAGES)."""
    # S3 serves the object as the type its content showed, not as claimed.
    upload.content_type = content_type
    return default_storage.save(f"{SCAN_PREFIX}{secrets.token_hex(16)}", upload)


def scan_discard(key: str) -> None:
    """Remove a scan no application will hold. Best effort: an orphaned scan
    is unreadable without its application, so a failure is only logged."""
    try:
        default_storage.delete(key)
    except (BotoCoreError, ClientError):
        logger.warning("could not remove an unused licence scan")


def scan_url(scan: LicenceFile, *, download_name: str, expires_seconds: int) -> str:
    """A presigned GET for the scan that stops working after `expires_seconds`,
    answering with the type its content was judged to be and as an
    `attachment` (downloaded, never shown in the admin's browser), as
    patient documents are."""
    return default_storage.url(
        scan.key,
        parameters={
            "ResponseContentType": scan.content_type,
            "ResponseContentDisposition": f'attachment; filename="{download_name}"',
            "ResponseCacheControl": "no-store",
        },
        expire=expires_seconds,
    )
