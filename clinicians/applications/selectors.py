"""Reads of clinician applications, for the admins who review them. An
application is personal data, not PHI, but every view of one (and of its
licence scan) is audited before it is shown, as any record an admin opens."""

from __future__ import annotations

from audit.domain import ALLOWED
from audit.services import audit_record
from clinicians.applications import repository
from clinicians.applications.domain import (
    AdminsOnly,
    Application,
    ApplicationList,
    ApplicationNotFound,
    is_application_reference,
)
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role

RESOURCE = "clinician_application"
PAGE_SIZE = 25
# A name search reads this many applications per page and keeps the matches:
# still one round trip a page, whatever the table holds.
NAME_SEARCH_WINDOW = 100
SCAN_LINK_SECONDS = 300


def admin_check(*, actor: Actor) -> None:
    """Only admins review applications. The admin site checks this before any
    of its pages runs; the services and selectors check again so no other
    caller can skip it. Raises AdminsOnly."""
    if not actor.has_role(Role.ADMIN):
        raise AdminsOnly(actor.role)


def application_get_for(*, actor: Actor, application_id: str) -> Application:
    """The application as it is now, for an admin: the room's one access
    rule. Raises AdminsOnly for anyone else, and ApplicationNotFound for a
    reference that is not shaped like one or that no application has (the
    404 page audits the miss, as any other)."""
    admin_check(actor=actor)
    if not is_application_reference(application_id):
        raise ApplicationNotFound(application_id)
    application = repository.get(application_id)
    if application is None:
        raise ApplicationNotFound(application_id)
    return application


def applications_list(*, actor: Actor, status: str, search: str, page_token: str | None) -> ApplicationList:
    """One page of applications in a status, newest first; a search with an @
    is an email (EmailIndex), anything else part of a name. One Query.
    Raises medisecure.dynamo.InvalidPageToken for a forged token."""
    admin_check(actor=actor)
    if "@" in search:
        email = search.strip().lower()
        found, next_page = repository.list_by_email(
            email, status=status, limit=PAGE_SIZE, page_token=page_token
        )
        searched_by = "email"
    else:
        window = NAME_SEARCH_WINDOW if search else PAGE_SIZE
        found, next_page = repository.list_by_status(
            status, name_contains=search, limit=window, page_token=page_token
        )
        searched_by = "name" if search else ""
    return ApplicationList(
        status=status, search=search, searched_by=searched_by, applications=found, next_page=next_page
    )


def application_get(*, actor: Actor, audit: AuditContext, application_id: str) -> Application:
    """An application for an admin to review, audited before it is shown."""
    application = application_get_for(actor=actor, application_id=application_id)
    audit_record(
        actor=actor,
        audit=audit,
        action=f"{RESOURCE}.view",
        outcome=ALLOWED,
        resource_type=RESOURCE,
        resource_id=application.application_id,
    )
    return application


def applications_for_decision(*, actor: Actor, application_ids: list[str]) -> list[Application]:
    """The selected applications, as they are now, for an admin to confirm a
    decision on all of them. Those that no longer exist are left out."""
    admin_check(actor=actor)
    found = [repository.get(application_id) for application_id in dict.fromkeys(application_ids)]
    return [application for application in found if application is not None]


def application_scan_url(*, actor: Actor, audit: AuditContext, application_id: str) -> str:
    """A presigned link to the licence scan that works for a few minutes,
    issued after the access check and the audit event."""
    application = application_get_for(actor=actor, application_id=application_id)
    audit_record(
        actor=actor,
        audit=audit,
        action=f"{RESOURCE}.scan_view",
        outcome=ALLOWED,
        resource_type=RESOURCE,
        resource_id=application.application_id,
        detail={"expires_seconds": SCAN_LINK_SECONDS},
    )
    return repository.scan_url(
        application.scan,
        download_name=f"licence-scan-{application.application_id}.{application.scan.extension}",
        expires_seconds=SCAN_LINK_SECONDS,
    )
