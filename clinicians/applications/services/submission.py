"""The public clinician application."""

from __future__ import annotations

import logging

from audit.domain import DENIED
from audit.services import audit_record
from clinicians.applications import emails, repository
from clinicians.applications.domain import (
    PENDING,
    Application,
    ApplicationDetails,
    LicenceFile,
    PendingApplicationExists,
    Submission,
    new_application_id,
)
from clinicians.applications.selectors import RESOURCE
from clinicians.applications.services.changes import change_event_add, email_sent
from medisecure import clock, mail, rate_limits
from medisecure.identity.actors import Actor, AuditContext
from medisecure.unit_of_work import Transaction

logger = logging.getLogger(__name__)


def application_submit(
    *, actor: Actor, audit: AuditContext, details: ApplicationDetails, scan, scan_type: str
) -> Submission:
    """Store the scan, then the application with its email's guard and the
    audit event in one transaction. When the email has an application open
    the new one is not kept (its scan removed again), the holder is emailed
    and PendingApplicationExists raised, for a page that says the same as for
    a new application; RateLimited (nothing stored) when this client address
    has sent too many."""
    rate_limits.rate_limit_attempt(name=rate_limits.CLINICIAN_APPLY, subject=audit.ip)
    key = repository.scan_store(scan, content_type=scan_type)
    application = Application(
        application_id=new_application_id(),
        submitted_at=clock.stamp(),
        status=PENDING,
        version=1,
        given_name=details.given_name,
        family_name=details.family_name,
        email=details.email,
        phone=details.phone,
        specialty=details.specialty,
        licence_number=details.licence_number,
        licence_region=details.licence_region,
        licence_expiry=details.licence_expiry.isoformat(),
        npi=details.npi,
        years_of_practice=details.years_of_practice,
        statement=details.statement,
        scan=LicenceFile(key=key, content_type=scan_type, size=scan.size),
    )
    tx = Transaction()
    repository.add_new(tx, application)
    change_event_add(
        tx=tx,
        actor=actor,
        audit=audit,
        action="submit",
        application=application,
        detail={"specialty": details.specialty},
    )
    try:
        tx.commit()
    except PendingApplicationExists:
        repository.scan_discard(key)
        audit_record(
            actor=actor,
            audit=audit,
            action=f"{RESOURCE}.submit",
            outcome=DENIED,
            resource_type=RESOURCE,
            detail={"reason": "open_application_exists"},
        )
        _email_holder(details.email)
        raise
    except Exception:
        repository.scan_discard(key)
        raise
    emailed = email_sent(application=application, message=emails.submitted(application))
    return Submission(application=application, emailed=emailed)


def _email_holder(address: str) -> None:
    """Tell the holder of an address with an open application that someone
    applied with it again; best effort (the page says the same anyway)."""
    try:
        mail.send(emails.already_pending(to=address))
    except mail.MailNotSent:
        logger.warning("the already-pending notice was not sent")
