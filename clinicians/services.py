"""Doctor use cases, the public provider directory, and clinician
onboarding: the public application and its review by the clinic's admins."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string

from audit.domain import ALLOWED, DENIED, FAILED
from audit.services import Actor, AuditWriteFailed, audit_record
from clinicians import repository
from clinicians.domain import (
    APPROVE,
    APPROVED,
    APPROVING,
    OUTCOMES,
    PENDING,
    REJECT,
    REQUEST_INFORMATION,
    SPECIALTIES,
    Application,
    LicenceFile,
    Provider,
    is_application_reference,
    new_application_id,
)
from medisecure import mail, rate_limits
from medisecure.identity import cognito
from medisecure.identity.roles import Role
from medisecure.middleware import client_ip
from medisecure.passwords import PASSWORD_POLICY, generate_password

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Directory:
    specialty: str
    providers: list[Provider]
    next_page: str | None


def directory_view(*, specialty: str, page_token: str | None) -> Directory:
    """Doctors in one specialty: public information, no PHI."""
    if specialty not in SPECIALTIES:
        return Directory(specialty="", providers=[], next_page=None)
    providers, next_page = repository.list_by_specialty(specialty, page_token=page_token)
    return Directory(specialty=specialty, providers=providers, next_page=next_page)


# --- Clinician applications ---------------------------------------------------

RESOURCE = "clinician_application"
PAGE_SIZE = 25
# A name search reads this many applications per page and keeps the matches:
# still one round trip a page, whatever the table holds.
NAME_SEARCH_WINDOW = 100
SCAN_LINK_SECONDS = 300
FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"

PendingApplicationExists = repository.PendingApplicationExists


class ApplicationNotFound(Exception):
    pass


class AlreadyDecided(Exception):
    """Someone moved the application on since the admin read it; carries it as it is now."""

    def __init__(self, application: Application):
        super().__init__(application.application_id)
        self.application = application


class ApprovalUnfinished(Exception):
    """AWS failed part-way through an approval. Nothing is duplicated by
    approving again, which finishes it."""

    def __init__(self, application: Application):
        super().__init__(application.application_id)
        self.application = application


class AccountHasAnotherRole(Exception):
    """The applicant's email already signs in to the portal with another role.
    One account holds one role (an account in two role groups could not sign
    in), so it is not made a doctor's."""

    def __init__(self, role: str):
        super().__init__(role)
        self.role = role


@dataclass(frozen=True)
class ApplicationDetails:
    """What an applicant tells the clinic, as the form cleaned it."""

    given_name: str
    family_name: str
    email: str
    phone: str
    specialty: str
    licence_number: str
    licence_region: str
    licence_expiry: date
    npi: str
    years_of_practice: int
    statement: str


@dataclass(frozen=True)
class Submission:
    application: Application
    emailed: bool  # whether the confirmation email went


@dataclass(frozen=True)
class Decided:
    application: Application
    emailed: bool  # whether the applicant's email went


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def application_submit(*, request, details: ApplicationDetails, scan, scan_type: str) -> Submission:
    """Store the scan, then the application with its email's guard and the
    audit event in one transaction. Raises PendingApplicationExists (the
    scan is removed again) when the email has an application open, or
    RateLimited (nothing stored) when this client address has sent too many."""
    rate_limits.rate_limit_attempt(name=rate_limits.CLINICIAN_APPLY, subject=client_ip(request))
    key = repository.scan_store(scan, content_type=scan_type)
    application = Application(
        application_id=new_application_id(),
        submitted_at=_now(),
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
    try:
        repository.application_submit(
            application, audited=_audited(request, "submit", application, detail={"specialty": details.specialty})
        )
    except PendingApplicationExists:
        _discard_scan(key)
        audit_record(
            request=request,
            action=f"{RESOURCE}.submit",
            outcome=DENIED,
            resource_type=RESOURCE,
            detail={"reason": "open_application_exists"},
        )
        raise
    except Exception:
        _discard_scan(key)
        raise
    emailed = _email_quietly(application, "submitted", f"We received your application {application.application_id}")
    return Submission(application=application, emailed=emailed)


def _discard_scan(key: str) -> None:
    """Best effort: an orphaned scan is unreadable without its application."""
    try:
        repository.scan_delete(key)
    except (BotoCoreError, ClientError):
        logger.warning("could not remove an unused licence scan")


def _audited(request, action: str, application: Application, *, detail=None):
    """Stores a change's writes together with its audit event."""

    def record(writes: list[dict]):
        return audit_record(
            request=request,
            action=f"{RESOURCE}.{action}",
            outcome=ALLOWED,
            resource_type=RESOURCE,
            resource_id=application.application_id,
            detail=detail or {},
            with_writes=writes,
        )

    return record


def _email(application: Application, template: str, subject: str, **context) -> None:
    context = {
        "application": application,
        "clinic_name": settings.CLINIC_NAME,
        "site_url": settings.SITE_URL,
        "staff_mfa_required": settings.STAFF_MFA_REQUIRED,
        **context,
    }
    mail.send(
        mail.Message(
            to=application.email,
            subject=f"{settings.CLINIC_NAME}: {subject}",
            text=render_to_string(f"clinicians/email/{template}.txt", context),
            html=render_to_string(f"clinicians/email/{template}.html", context),
        )
    )


def _email_quietly(application: Application, template: str, subject: str, **context) -> bool:
    """Send, and say whether it went: the change it reports is already made,
    so a failed email is reported to whoever acted instead of undoing it."""
    try:
        _email(application, template, subject, **context)
    except mail.MailNotSent:
        logger.warning("email %s for application %s was not sent", template, application.application_id)
        return False
    return True


def _admin_actor(request) -> Actor:
    """Only admins review applications. The admin site checks this before any
    view runs; the services check again so no other caller can skip it."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.role == Role.ADMIN.value):
        raise PermissionDenied
    return Actor(user_id=user.username, role=user.role)


@dataclass(frozen=True)
class ApplicationList:
    status: str
    search: str
    searched_by: str  # "", "email" or "name"
    applications: list[Application]
    next_page: str | None


def applications_list(*, request, status: str, search: str, page_token: str | None) -> ApplicationList:
    """One page of applications in a status, newest first; a search with an @
    is an email (EmailIndex), anything else part of a name. One Query."""
    _admin_actor(request)
    if "@" in search:
        email = search.strip().lower()
        found, next_page = repository.applications_by_email(
            email, status=status, limit=PAGE_SIZE, page_token=page_token
        )
        searched_by = "email"
    else:
        window = NAME_SEARCH_WINDOW if search else PAGE_SIZE
        found, next_page = repository.applications_by_status(
            status, name_contains=search, limit=window, page_token=page_token
        )
        searched_by = "name" if search else ""
    return ApplicationList(
        status=status, search=search, searched_by=searched_by, applications=found, next_page=next_page
    )


def _find(application_id: str) -> Application:
    if not is_application_reference(application_id):
        raise ApplicationNotFound(application_id)
    application = repository.application_get(application_id)
    if application is None:
        raise ApplicationNotFound(application_id)
    return application


def application_view(*, request, application_id: str) -> Application:
    """An application for an admin to review, audited before it is shown."""
    _admin_actor(request)
    application = _find(application_id)
    audit_record(
        request=request,
        action=f"{RESOURCE}.view",
        outcome=ALLOWED,
        resource_type=RESOURCE,
        resource_id=application.application_id,
    )
    return application


def applications_for_decision(*, request, application_ids: list[str]) -> list[Application]:
    """The selected applications, as they are now, for an admin to confirm a
    decision on all of them. Those that no longer exist are left out."""
    _admin_actor(request)
    found = [repository.application_get(application_id) for application_id in dict.fromkeys(application_ids)]
    return [application for application in found if application is not None]


def application_scan_link(*, request, application_id: str) -> str:
    """A presigned link to the licence scan that works for a few minutes,
    issued after the access check and the audit event."""
    _admin_actor(request)
    application = _find(application_id)
    audit_record(
        request=request,
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


def _decidable(application_id: str, decision: str, expected_version: int) -> Application:
    """The application, if it is still as the admin saw it and the decision
    may follow from its status; else AlreadyDecided."""
    current = _find(application_id)
    if current.version != expected_version or not current.allows(decision):
        raise AlreadyDecided(current)
    return current


def _decided_by(request, actor: Actor, application: Application, status: str, note: str = "") -> Application:
    return replace(
        application,
        status=status,
        decided_by=actor.user_id,
        decided_by_email=request.user.email,
        decided_at=_now(),
        decision_note=note,
    )


def _replace(current: Application, updated: Application, **kwargs) -> Application:
    try:
        return repository.application_replace(current, updated, **kwargs)
    except repository.StaleApplication:
        raise AlreadyDecided(_find(current.application_id)) from None


def application_decide(
    *, request, application_id: str, decision: str, expected_version: int, note: str = ""
) -> Decided:
    """One admin decision on one application (see application_approve)."""
    if decision == APPROVE:
        return application_approve(request=request, application_id=application_id, expected_version=expected_version)
    return _decide_with_note(request, application_id, decision, expected_version, note)


def application_reject(*, request, application_id: str, expected_version: int, reason: str) -> Decided:
    return _decide_with_note(request, application_id, REJECT, expected_version, reason)


def application_request_information(
    *, request, application_id: str, expected_version: int, message: str
) -> Decided:
    return _decide_with_note(request, application_id, REQUEST_INFORMATION, expected_version, message)


DECISION_SUBJECTS = {
    REJECT: "Your application {reference}",
    REQUEST_INFORMATION: "More information needed for application {reference}",
}


def _decide_with_note(request, application_id: str, decision: str, expected_version: int, note: str) -> Decided:
    """Reject, or ask for more information: the admin's text is audited and
    sent to the applicant. A rejection releases the email for a new application."""
    actor = _admin_actor(request)
    current = _decidable(application_id, decision, expected_version)
    decided = _replace(
        current,
        _decided_by(request, actor, current, OUTCOMES[decision], note),
        release_guard=decision == REJECT,
        audited=_audited(request, decision, current, detail={"from": current.status, "reason": note}),
    )
    subject = DECISION_SUBJECTS[decision].format(reference=decided.application_id)
    return Decided(application=decided, emailed=_email_quietly(decided, decision, subject))


class NoEmailToResend(Exception):
    """The application carries no decision whose email can be sent again (an
    approval's invitation is re-sent by approving again)."""


# The decision whose email an application's status stands for.
_DECISION_BY_STATUS = {status: decision for decision, status in OUTCOMES.items() if decision in DECISION_SUBJECTS}


def application_decision_email_resend(*, request, application_id: str) -> Decided:
    """Email the applicant the decision their application carries once more,
    with the admin's message as recorded: for when SES could not take it the
    first time, or the applicant lost it. Raises NoEmailToResend."""
    _admin_actor(request)
    application = _find(application_id)
    decision = _DECISION_BY_STATUS.get(application.status)
    if decision is None:
        raise NoEmailToResend(application_id)
    subject = DECISION_SUBJECTS[decision].format(reference=application.application_id)
    emailed = _email_quietly(application, decision, subject)
    audit_record(
        request=request,
        action=f"{RESOURCE}.email_resent",
        outcome=ALLOWED if emailed else FAILED,
        resource_type=RESOURCE,
        resource_id=application.application_id,
        detail={"decision": decision},
    )
    return Decided(application=application, emailed=emailed)


@dataclass(frozen=True)
class DoctorAccount:
    sub: str
    temporary_password: str | None  # None: the person keeps the password they have
    created: bool


def application_approve(*, request, application_id: str, expected_version: int) -> Decided:
    """Approve: claim the application (so no other admin can decide it
    meanwhile), make or link the Cognito user in the doctor group, email the
    invitation, then create the provider record and mark the application
    approved in one transaction. Any AWS failure after the claim raises
    ApprovalUnfinished; approving again finishes the work, linking the
    Cognito user and provider instead of making second ones."""
    actor = _admin_actor(request)
    current = _decidable(application_id, APPROVE, expected_version)
    _refuse_account_with_another_role(current.email)
    claimed = _replace(
        current,
        _decided_by(request, actor, current, APPROVING),
        audited=_audited(request, "approval_started", current, detail={"from": current.status}),
    )
    try:
        return _finish_approval(request, actor, claimed)
    except (BotoCoreError, ClientError, AuditWriteFailed, mail.MailNotSent) as error:
        logger.warning("approval of %s did not finish: %s", claimed.application_id, type(error).__name__)
        raise ApprovalUnfinished(claimed) from error


def _finish_approval(request, actor: Actor, claimed: Application) -> Decided:
    account = _doctor_account(claimed)
    provider = _new_provider(claimed, account.sub)
    # Sent before the application is marked approved, so an approval whose
    # email failed is finished by approving again, with a new temporary
    # password. The claim means no other admin can reject it meanwhile.
    _email(
        claimed,
        "approved",
        f"Your application {claimed.application_id} is approved",
        account=account,
        temporary_password_days=PASSWORD_POLICY["TemporaryPasswordValidityDays"],
    )
    approved = replace(_decided_by(request, actor, claimed, APPROVED), provider_id=account.sub)
    approved = _replace(
        claimed,
        approved,
        release_guard=True,
        extra_writes=[repository.provider_put_new(provider)] if provider else [],
        audited=_audited(
            request,
            "approve",
            claimed,
            detail={
                "provider_id": account.sub,
                "account": "created" if account.created else "linked",
                "provider": "created" if provider else "linked",
            },
        ),
    )
    return Decided(application=approved, emailed=True)


def _refuse_account_with_another_role(email: str) -> None:
    if cognito.get_pool_user(email) is not None:
        _other_role(cognito.groups_of(email))


def _other_role(groups: set[str]) -> None:
    others = sorted(group for group in groups if group in Role._value2member_map_ and group != Role.DOCTOR.value)
    if others:
        raise AccountHasAnotherRole(others[0])


def _doctor_account(application: Application) -> DoctorAccount:
    """The applicant's Cognito user in the doctor group: created with a
    temporary password, or, if the email already has one, that user."""
    temporary_password = generate_password()
    try:
        user = cognito.create_pool_user(
            email=application.email,
            given_name=application.given_name,
            family_name=application.family_name,
            suppress_message=True,  # the portal sends the invitation itself, through SES
            temporary_password=temporary_password,
        )
        created = True
    except ClientError as error:
        if not cognito.is_username_taken(error):
            raise
        user = cognito.get_pool_user(application.email)
        created = False
        if user.status == FORCE_CHANGE_PASSWORD:
            # Never signed in (an earlier approval cut short, or an invitation
            # that was lost): a fresh temporary password, sent below.
            cognito.set_temporary_password(application.email, temporary_password)
        else:
            temporary_password = None
    groups = cognito.groups_of(application.email)
    _other_role(groups)
    if Role.DOCTOR.value not in groups:
        cognito.add_to_group(application.email, Role.DOCTOR.value)
    return DoctorAccount(sub=user.sub, temporary_password=temporary_password, created=created)


def _new_provider(application: Application, provider_id: str) -> Provider | None:
    """The provider record to create, or None when this person already has one
    (it is linked as it stands)."""
    if repository.get(provider_id) is not None:
        return None
    return Provider(
        provider_id=provider_id,
        email=application.email,
        given_name=application.given_name,
        family_name=application.family_name,
        specialty=application.specialty,
        licence_number=application.licence_number,
        licence_region=application.licence_region,
        created_at=_now(),
    )


@dataclass(frozen=True)
class BulkOutcome:
    application_id: str
    decided: Decided | None = None
    refused: Exception | None = None


BULK_REFUSALS = (ApplicationNotFound, AlreadyDecided, ApprovalUnfinished, AccountHasAnotherRole)


def applications_decide(
    *, request, decision: str, versions: dict[str, int], note: str = ""
) -> list[BulkOutcome]:
    """The same decision on several applications, each as its own decision
    (its own conditional write, audit event and email): one refused does not
    stop the others."""
    _admin_actor(request)
    outcomes = []
    for application_id, version in versions.items():
        try:
            decided = application_decide(
                request=request,
                application_id=application_id,
                decision=decision,
                expected_version=version,
                note=note,
            )
        except BULK_REFUSALS as refused:
            outcomes.append(BulkOutcome(application_id=application_id, refused=refused))
        else:
            outcomes.append(BulkOutcome(application_id=application_id, decided=decided))
    return outcomes
