"""A signed-in person moves their account to a new email address, through
the user pool: the portal asks it to send a code to the new address (the app
client may not write email, so no token alone starts a change), the old one
is told, and nothing changes until the person enters the code with their
own token (the pool keeps the old address in force until then:
UserAttributeUpdateSettings). Then the
portal's account, the patient record (or the doctor's provider record) and
the audit event follow, in one transaction for the records and the event.
The person stays the same: they are keyed on their Cognito sub, which is
the pool's username for them. The pool signs in by email, so from the code
on they sign in with the new address and the old one no longer works.

An address another account holds is refused with a field error, nothing
changed and no code sent: the pool lets no two users share an address
(AliasExistsException), and the portal checks its own accounts and the pool
first. Saying so tells the asker that the address has an account. That is
accepted here: only someone signed in can ask, the asks are rate limited
per account (EMAIL_CHANGE_LIMIT) and audited, and the address's holder is
emailed that it was tried; a person who mistyped, or who has a second
account, needs to be told why the change cannot happen. Sign-up and forgot
password, which anyone can reach, still tell no one who has an account."""

from __future__ import annotations

import logging
from typing import NoReturn

from django.contrib.auth import get_user_model

from accounts.email_change import emails
from accounts.email_change.domain import (
    REQUESTED,
    VERIFIED,
    AddressTaken,
    EmailCodeRefused,
    PendingEmailChange,
    SameAddress,
    SignInAgain,
)
from audit.domain import ALLOWED, DENIED
from audit.services import audit_event_add, audit_record
from clinicians import services as clinicians
from medisecure import mail
from medisecure.errors import ConcurrentUpdate
from medisecure.identity import cognito
from medisecure.identity.actors import Actor, AuditContext
from medisecure.identity.roles import Role
from medisecure.rate_limits import rate_limit_attempt
from medisecure.unit_of_work import Transaction
from patients import services as patients

logger = logging.getLogger(__name__)

EMAIL_CHANGE_LIMIT = "email_change"
RECORD_ATTEMPTS = 3


def _address_taken(email: str, person) -> bool:
    """Whether an account other than `person`'s signs in with, or is
    reached at, `email`: the portal's accounts by address, the pool's by
    the address they sign in with."""
    others = get_user_model().objects.filter(email__iexact=email).exclude(pk=person.pk)
    if others.exists():
        return True
    holder = cognito.get_pool_user(email)
    return holder is not None and holder.sub != person.username


def _notify(message: mail.Message, what: str) -> None:
    try:
        mail.send(message)
    except mail.MailNotSent:
        logger.warning("email change: the %s could not be sent", what)


def email_change_request(*, actor: Actor, audit: AuditContext, person, new_email: str) -> PendingEmailChange:
    """Send a code to `new_email` and a notice to the address in force.
    Raises SameAddress, AddressTaken (nothing changed, no code sent; the
    address's holder is told), rate_limits.RateLimited, cognito.PoolUserGone
    or cognito.CognitoUnavailable."""
    if new_email.lower() == (person.email or "").lower():
        raise SameAddress
    rate_limit_attempt(name=EMAIL_CHANGE_LIMIT, subject=actor.user_id)
    try:
        if _address_taken(new_email, person):
            raise cognito.AddressInUse
        cognito.email_change_request(person.pool_username, new_email)
        delivery = "code_sent"
    except cognito.CodeSendLimited:
        delivery = "limited"
    except cognito.AddressInUse as taken:
        _address_refused(actor, audit, REQUESTED, new_email)
        raise AddressTaken from taken
    audit_record(
        actor=actor,
        audit=audit,
        action=REQUESTED,
        outcome=ALLOWED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"delivery": delivery},
    )
    _notify(emails.change_requested(person.email), "notice to the old address")
    return PendingEmailChange(email=new_email)


def email_change_verify(
    *, actor: Actor, audit: AuditContext, person, access_token: str, pending: PendingEmailChange, code: str
) -> str:
    """Make the pending address the person's with the code sent to it; the
    address now in force, which they sign in with from now on. A wrong code
    changes nothing. Raises EmailCodeRefused, AddressTaken (another account
    has taken the address since the code was sent), SignInAgain or
    cognito.CognitoUnavailable."""
    try:
        # Checked again: another account may have taken the address meanwhile.
        if _address_taken(pending.email, person):
            raise cognito.AddressInUse
        email = cognito.email_change_verify(access_token, code)
    except cognito.EmailCodeRefused:
        _refused(actor, audit)
    except cognito.AddressInUse as taken:
        _address_refused(actor, audit, VERIFIED, pending.email)
        raise AddressTaken from taken
    except cognito.AccessTokenRefused as refused:
        raise SignInAgain from refused
    # The pool's word on the address, not the session's.
    get_user_model().objects.filter(pk=person.pk).update(email=email)
    person.email = email
    # The pool has moved already: a record edited meanwhile is read again.
    for attempt in range(RECORD_ATTEMPTS):
        tx = Transaction()
        record = _record_follows(tx, actor, email)
        audit_event_add(
            tx,
            actor=actor,
            audit=audit,
            action=VERIFIED,
            resource_type="user",
            resource_id=actor.user_id,
            patient_id=actor.user_id if actor.has_role(Role.PATIENT) else "",
            detail={"record": record},
        )
        try:
            tx.commit()
        except ConcurrentUpdate:
            if attempt == RECORD_ATTEMPTS - 1:
                raise
            continue
        break
    return email


def _record_follows(tx: Transaction, actor: Actor, email: str) -> str:
    """Add the new address to the record others see the person by."""
    if actor.has_role(Role.PATIENT):
        found = patients.patient_email_set(tx=tx, patient_id=actor.user_id, email=email)
        return "patient" if found else "none"
    if actor.has_role(Role.DOCTOR):
        found = clinicians.provider_email_set(tx=tx, provider_id=actor.user_id, email=email)
        return "provider" if found else "none"
    return "none"


def _address_refused(actor: Actor, audit: AuditContext, action: str, email: str) -> None:
    """Audit the refusal (never the address) and tell the address's holder."""
    audit_record(
        actor=actor,
        audit=audit,
        action=action,
        outcome=DENIED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"reason": "address_taken"},
    )
    _notify(emails.address_in_use(email), "notice to the address's holder")


def _refused(actor: Actor, audit: AuditContext) -> NoReturn:
    audit_record(
        actor=actor,
        audit=audit,
        action=VERIFIED,
        outcome=DENIED,
        resource_type="user",
        resource_id=actor.user_id,
        detail={"reason": "code"},
    )
    raise EmailCodeRefused
